import { lookUpAdminUsers } from "../../api/lookup";
import type { Consent } from "../../api/types";
import { Button } from "../../ui/button";
import { t } from "../../i18n/translate";
import { formatDateTime, label, shortId } from "../../ui/format";
import { StatusBadge } from "../../ui/status-badge";
import { useResource } from "../../ui/use-resource";

interface TimelineProps {
  consents: Consent[];
  dealerName: (id: string) => string | undefined;
  /** Absent where nothing may be changed (an auditor's report, an erased customer). */
  onWithdraw?: (consent: Consent) => void;
}

interface Moment {
  at: string;
  kind: "granted" | "withdrawn" | "expired" | "erased";
  purposes: string[];
  by?: string;
  reason?: string | null;
}

/** The history as stored, plus the expiry, which happens by itself and so is never a stored change. */
function momentsOf(consent: Consent, username: (id: string) => string | undefined): Moment[] {
  const moments: Moment[] = consent.history.map((entry) => ({
    at: entry.at, kind: entry.action !== "withdrawn" ? "granted" : entry.reason === "erased" ? "erased" : "withdrawn", purposes: entry.purposes,
    by: `${t(`audit.actorType.${entry.actorType}`)} ${(entry.actorType === "admin" && username(entry.actorId)) || shortId(entry.actorId)}`,
    reason: entry.reason === "erased" ? null : entry.reason,
  }));
  if (consent.status === "expired" && consent.expiresAt) moments.push({ at: consent.expiresAt, kind: "expired", purposes: consent.purposes });
  return moments.sort((a, b) => a.at.localeCompare(b.at));
}

export function ConsentTimeline({ consents, dealerName, onWithdraw }: TimelineProps) {
  // Who changed each consent, by username rather than id; the history itself holds ids only.
  const adminIds = [...new Set(consents.flatMap((consent) => consent.history.filter((entry) => entry.actorType === "admin").map((entry) => entry.actorId)))]
    .filter((id) => /^[0-9a-f-]{36}$/i.test(id)).slice(0, 20);
  const admins = useResource(() => (adminIds.length ? lookUpAdminUsers({ ids: adminIds }) : Promise.resolve({ items: [] })), [adminIds.join()]);
  const username = (id: string) => admins.data?.items.find((user) => user.id === id)?.username;
  if (consents.length === 0) return <p class="empty">{t("consent.none")}</p>;
  const newestFirst = [...consents].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <ol class="consents">
      {newestFirst.map((consent) => (
        <li key={consent.id} class="consent">
          <div class="consent-head">
            <div>
              <p class="consent-dealer">{dealerName(consent.dealerId) ?? <span class="mono" title={consent.dealerId}>{t("activity.unknownDealer", { id: shortId(consent.dealerId) })}</span>}</p>
              <p class="purposes">
                {consent.purposeStates.map((state) => (
                  <span key={state.purpose} class="purpose">{label(state.purpose)} <StatusBadge status={state.status} /></span>
                ))}
              </p>
            </div>
            <div class="consent-status">
              <StatusBadge status={consent.status} />
              {onWithdraw && consent.status === "active" && <Button variant="quiet" onClick={() => onWithdraw(consent)}>{t("consent.withdraw")}</Button>}
            </div>
          </div>
          <dl class="facts compact">
            <div><dt>{t("consent.channel")}</dt><dd>{label(consent.channel)}</dd></div>
            <div><dt>{t("consent.evidenceShort")}</dt><dd class="mono">{consent.evidenceRef}</dd></div>
            <div><dt>{t("consent.policy")}</dt><dd>{consent.policyVersion}</dd></div>
            <div><dt>{t("consent.expires")}</dt><dd>{consent.expiresAt ? formatDateTime(consent.expiresAt) : t("ui.never")}</dd></div>
          </dl>
          <ol class="timeline" aria-label={t("consent.history")}>
            {momentsOf(consent, username).map((moment, index) => (
              <li key={index} class={`moment moment-${moment.kind}`}>
                <time dateTime={moment.at}>{formatDateTime(moment.at)}</time>
                <span class="moment-kind">{t(`consent.moment.${moment.kind}`)}</span>
                <span>{moment.purposes.map(label).join(", ")}</span>
                {moment.by && <span class="muted">{t("consent.by", { who: moment.by })}</span>}
                {moment.reason && <span class="muted">— {moment.reason}</span>}
              </li>
            ))}
          </ol>
        </li>
      ))}
    </ol>
  );
}
