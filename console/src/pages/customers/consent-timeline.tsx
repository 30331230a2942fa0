import type { Consent } from "../../api/types";
import { Button } from "../../ui/button";
import { formatDateTime, label, shortId } from "../../ui/format";
import { StatusBadge } from "../../ui/status-badge";

interface TimelineProps {
  consents: Consent[];
  dealerName: (id: string) => string | undefined;
  /** Absent where nothing may be changed (an auditor's report, an erased customer). */
  onWithdraw?: (consent: Consent) => void;
}

interface Moment {
  at: string;
  kind: "granted" | "withdrawn" | "expired";
  purposes: string[];
  by?: string;
  reason?: string | null;
}

/** The history as stored, plus the expiry, which happens by itself and so is never a stored change. */
function momentsOf(consent: Consent): Moment[] {
  const moments: Moment[] = consent.history.map((entry) => ({
    at: entry.at, kind: entry.action === "withdrawn" ? "withdrawn" : "granted", purposes: entry.purposes, by: `${entry.actorType} ${shortId(entry.actorId)}`, reason: entry.reason,
  }));
  if (consent.status === "expired" && consent.expiresAt) moments.push({ at: consent.expiresAt, kind: "expired", purposes: consent.purposes });
  return moments.sort((a, b) => a.at.localeCompare(b.at));
}

export function ConsentTimeline({ consents, dealerName, onWithdraw }: TimelineProps) {
  if (consents.length === 0) return <p class="empty">No consent recorded.</p>;
  const newestFirst = [...consents].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <ol class="consents">
      {newestFirst.map((consent) => (
        <li key={consent.id} class="consent">
          <div class="consent-head">
            <div>
              <p class="consent-dealer">{dealerName(consent.dealerId) ?? <span class="mono" title={consent.dealerId}>Dealer {shortId(consent.dealerId)}</span>}</p>
              <p class="purposes">
                {consent.purposeStates.map((state) => (
                  <span key={state.purpose} class="purpose">{label(state.purpose)} <StatusBadge status={state.status} /></span>
                ))}
              </p>
            </div>
            <div class="consent-status">
              <StatusBadge status={consent.status} />
              {onWithdraw && consent.status === "active" && <Button variant="quiet" onClick={() => onWithdraw(consent)}>Withdraw…</Button>}
            </div>
          </div>
          <dl class="facts compact">
            <div><dt>Channel</dt><dd>{label(consent.channel)}</dd></div>
            <div><dt>Evidence</dt><dd class="mono">{consent.evidenceRef}</dd></div>
            <div><dt>Policy version</dt><dd>{consent.policyVersion}</dd></div>
            <div><dt>Expires</dt><dd>{consent.expiresAt ? formatDateTime(consent.expiresAt) : "Never"}</dd></div>
          </dl>
          <ol class="timeline" aria-label="History">
            {momentsOf(consent).map((moment, index) => (
              <li key={index} class={`moment moment-${moment.kind}`}>
                <time dateTime={moment.at}>{formatDateTime(moment.at)}</time>
                <span class="moment-kind">{moment.kind}</span>
                <span>{moment.purposes.map(label).join(", ")}</span>
                {moment.by && <span class="muted">by {moment.by}</span>}
                {moment.reason && <span class="muted">— {moment.reason}</span>}
              </li>
            ))}
          </ol>
        </li>
      ))}
    </ol>
  );
}
