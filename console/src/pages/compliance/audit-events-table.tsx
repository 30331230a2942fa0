import { Fragment } from "preact";
import { useState } from "preact/hooks";
import type { AuditEvent } from "../../api/types";
import { t } from "../../i18n/translate";
import { Link } from "../../routing/link";
import { formatDateTime, label, shortId } from "../../ui/format";
import { rememberName } from "../../ui/pickers";
import { StatusBadge } from "../../ui/status-badge";

type FilterKey = "dealerId" | "customerId" | "actorId";

/** A name (or the short id when there is none), linking to the log filtered on that id; the full id in the tooltip. */
function FilterLink({ filter, id, name, erased }: { filter: FilterKey; id?: string; name?: string; erased?: boolean }) {
  if (!id) return <span class="muted">—</span>;
  rememberName(id, name);
  const text = erased ? t("ui.erasedCustomer") : name ?? shortId(id);
  return (
    <span title={id} class="id-link">
      <Link href={`/audit?${filter}=${encodeURIComponent(id)}`} class={erased ? "erased-name" : name ? undefined : "mono"}>{text}</Link>
    </span>
  );
}

function EventDetail({ event }: { event: AuditEvent }) {
  const rows: [string, string | undefined][] = [
    [t("audit.detail.eventId"), event.id], [t("audit.detail.at"), `${formatDateTime(event.at)} (${event.at})`],
    [t("audit.detail.actor"), `${t(`audit.actorType.${event.actorType}`)} ${event.actorName ? `${event.actorName} · ` : ""}${event.actorId}`],
    [t("audit.detail.dealerId"), event.dealerId], [t("audit.detail.customerId"), event.customerId], [t("audit.col.purpose"), event.purpose],
    [t("audit.detail.reason"), event.reason], [t("audit.detail.consentId"), event.consentId], [t("audit.detail.grantId"), event.grantId],
    [t("audit.detail.fields"), event.fields?.join(", ")], [t("audit.detail.status"), String(event.status)], [t("audit.col.request"), event.requestId],
    [t("audit.detail.ip"), event.ip], [t("audit.detail.detail"), event.detail === undefined ? undefined : JSON.stringify(event.detail)],
  ];
  return (
    <dl class="event-detail">
      {rows.filter(([, value]) => value !== undefined && value !== "").map(([term, value]) => (
        <div key={term}><dt>{term}</dt><dd class="mono">{value}</dd></div>
      ))}
    </dl>
  );
}

/** Newest first; names stand beside each id as links that filter the log, and the full ids show when a row is opened. */
export function AuditEventsTable({ events }: { events: AuditEvent[] }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <table class="table audit-table">
      <thead>
        <tr>
          <th scope="col">{t("audit.col.time")}</th><th scope="col">{t("audit.col.action")}</th><th scope="col">{t("audit.col.decision")}</th>
          <th scope="col">{t("audit.col.actor")}</th><th scope="col">{t("audit.col.dealer")}</th><th scope="col">{t("audit.col.customer")}</th>
          <th scope="col">{t("audit.col.purpose")}</th><th scope="col"><span class="visually-hidden">{t("ui.details")}</span></th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <Fragment key={event.id}>
            <tr class={open === event.id ? "open" : undefined}>
              <td class="nowrap"><time dateTime={event.at}>{formatDateTime(event.at)}</time></td>
              <td class="mono">{event.action}</td>
              <td><StatusBadge status={event.decision} />{event.reason && <span class="reason">{label(event.reason)}</span>}</td>
              <td>
                <span class="muted">{t(`audit.actorType.${event.actorType}`)}</span>{" "}
                {event.actorType === "admin" ? <FilterLink filter="actorId" id={event.actorId} name={event.actorName} />
                  : <span title={event.actorId}>{event.actorName ?? <span class="mono">{shortId(event.actorId)}</span>}</span>}
              </td>
              <td><FilterLink filter="dealerId" id={event.dealerId} name={event.dealerName} /></td>
              <td><FilterLink filter="customerId" id={event.customerId} name={event.customerRef} erased={event.customerErased} /></td>
              <td>{event.purpose ? label(event.purpose) : <span class="muted">—</span>}</td>
              <td class="row-actions">
                <button type="button" class="button button-quiet button-small" aria-expanded={open === event.id}
                  aria-label={t("audit.detailsOf", { action: event.action, time: formatDateTime(event.at) })} onClick={() => setOpen(open === event.id ? null : event.id)}>
                  {open === event.id ? t("ui.hide") : t("ui.details")}
                </button>
              </td>
            </tr>
            {open === event.id && <tr class="detail-row"><td colSpan={8}><EventDetail event={event} /></td></tr>}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
