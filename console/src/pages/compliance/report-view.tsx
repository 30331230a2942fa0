import type { ComponentChildren } from "preact";
import type { DataSubjectReport } from "../../api/types";
import { Link } from "../../routing/link";
import { fieldList, formatDateTime, label, shortId } from "../../ui/format";
import { Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { ConsentTimeline } from "../customers/consent-timeline";

export function ReportView({ report, actions }: { report: DataSubjectReport; actions: ComponentChildren }) {
  const dealerName = (id: string) => report.recipients.find((recipient) => recipient.dealerId === id)?.name ?? undefined;
  return (
    <>
      <Panel title="Summary" actions={actions}>
        <dl class="facts">
          <div><dt>Customer</dt><dd class="mono">{report.customerId}</dd></div>
          <div><dt>Status</dt><dd><StatusBadge status={report.status} /></dd></div>
          <div><dt>Recipients</dt><dd>{report.recipients.length}</dd></div>
          <div><dt>Disclosures</dt><dd>{report.disclosures.length}</dd></div>
          <div><dt>Generated</dt><dd>{formatDateTime(report.generatedAt)}</dd></div>
        </dl>
        <p><Link href={`/audit?customerId=${report.customerId}`}>Every audit event for this customer</Link></p>
      </Panel>
      <Panel title="Dealers that received the data">
        {report.recipients.length === 0 ? <p class="empty">No dealer has received this customer's data.</p> : (
          <table class="table">
            <thead><tr><th scope="col">Dealer</th><th scope="col">Country</th><th scope="col">Purposes</th><th scope="col">Fields</th><th scope="col">First</th><th scope="col">Last</th><th scope="col" class="number">Times</th></tr></thead>
            <tbody>
              {report.recipients.map((recipient) => (
                <tr key={recipient.dealerId}>
                  <td>{recipient.name ?? <span class="mono">{recipient.dealerId}</span>}</td>
                  <td>{recipient.country ?? "—"}</td>
                  <td>{recipient.purposes.map(label).join(", ")}</td>
                  <td>{fieldList(recipient.fields)}</td>
                  <td>{formatDateTime(recipient.firstAt)}</td>
                  <td>{formatDateTime(recipient.lastAt)}</td>
                  <td class="number">{recipient.disclosures}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {report.disclosures.length > 0 && (
        <Panel title="Each disclosure">
          <table class="table compact">
            <thead><tr><th scope="col">Time</th><th scope="col">Dealer</th><th scope="col">Action</th><th scope="col">Purpose</th><th scope="col">Fields</th><th scope="col">Consent</th><th scope="col">Grant</th></tr></thead>
            <tbody>
              {report.disclosures.map((item) => (
                <tr key={item.eventId}>
                  <td class="nowrap">{formatDateTime(item.at)}</td>
                  <td>{dealerName(item.dealerId) ?? shortId(item.dealerId)}</td>
                  <td class="mono">{item.action}</td>
                  <td>{item.purpose ? label(item.purpose) : "—"}</td>
                  <td>{fieldList(item.fields)}</td>
                  <td class="mono" title={item.consentId ?? undefined}>{shortId(item.consentId)}</td>
                  <td class="mono" title={item.grantId ?? undefined}>{shortId(item.grantId)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      )}
      <Panel title="Consent history">
        <ConsentTimeline consents={report.consents} dealerName={dealerName} />
      </Panel>
    </>
  );
}
