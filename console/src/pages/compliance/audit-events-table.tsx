import { Fragment } from "preact";
import { useState } from "preact/hooks";
import type { AuditEvent } from "../../api/types";
import { formatDateTime, label, shortId } from "../../ui/format";
import { StatusBadge } from "../../ui/status-badge";

function Id({ value }: { value?: string }) {
  return value ? <span class="mono" title={value}>{shortId(value)}</span> : <span class="muted">—</span>;
}

function EventDetail({ event }: { event: AuditEvent }) {
  const rows: [string, string | undefined][] = [
    ["Event id", event.id], ["At", event.at], ["Actor", `${event.actorType} ${event.actorId}`], ["Dealer id", event.dealerId], ["Customer id", event.customerId],
    ["Purpose", event.purpose], ["Reason", event.reason], ["Consent id", event.consentId], ["Grant id", event.grantId],
    ["Fields", event.fields?.join(", ")], ["HTTP status", String(event.status)], ["Request id", event.requestId], ["IP", event.ip],
    ["Detail", event.detail === undefined ? undefined : JSON.stringify(event.detail)],
  ];
  return (
    <dl class="event-detail">
      {rows.filter(([, value]) => value !== undefined && value !== "").map(([term, value]) => (
        <div key={term}><dt>{term}</dt><dd class="mono">{value}</dd></div>
      ))}
    </dl>
  );
}

/** Newest first; ids are shortened in the row and shown in full when a row is opened. */
export function AuditEventsTable({ events }: { events: AuditEvent[] }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <table class="table audit-table">
      <thead>
        <tr>
          <th scope="col">Time</th><th scope="col">Action</th><th scope="col">Decision</th><th scope="col">Actor</th><th scope="col">Dealer</th>
          <th scope="col">Customer</th><th scope="col">Purpose</th><th scope="col">Request</th><th scope="col"><span class="visually-hidden">Details</span></th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <Fragment key={event.id}>
            <tr class={open === event.id ? "open" : undefined}>
              <td class="nowrap"><time dateTime={event.at}>{formatDateTime(event.at)}</time></td>
              <td class="mono">{event.action}</td>
              <td><StatusBadge status={event.decision} />{event.reason && <span class="reason">{label(event.reason)}</span>}</td>
              <td><span class="muted">{event.actorType}</span> <Id value={event.actorId} /></td>
              <td><Id value={event.dealerId} /></td>
              <td><Id value={event.customerId} /></td>
              <td>{event.purpose ? label(event.purpose) : <span class="muted">—</span>}</td>
              <td><Id value={event.requestId} /></td>
              <td class="row-actions">
                <button type="button" class="button button-quiet button-small" aria-expanded={open === event.id}
                  aria-label={`Details of ${event.action} at ${formatDateTime(event.at)}`} onClick={() => setOpen(open === event.id ? null : event.id)}>
                  {open === event.id ? "Hide" : "Details"}
                </button>
              </td>
            </tr>
            {open === event.id && <tr class="detail-row"><td colSpan={9}><EventDetail event={event} /></td></tr>}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
