import type { ComponentChildren } from "preact";
import type { DataSubjectReport } from "../../api/types";
import { t } from "../../i18n/translate";
import { Link } from "../../routing/link";
import { fieldList, formatDateTime, formatNumber, label, shortId } from "../../ui/format";
import { Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { ConsentTimeline } from "../customers/consent-timeline";

export function ReportView({ report, actions }: { report: DataSubjectReport; actions: ComponentChildren }) {
  const dealerName = (id: string) => report.recipients.find((recipient) => recipient.dealerId === id)?.name ?? undefined;
  return (
    <>
      <Panel title={t("report.summary")} actions={actions}>
        <dl class="facts">
          <div><dt>{t("report.customer")}</dt><dd class="mono">{report.customerId}</dd></div>
          <div><dt>{t("report.status")}</dt><dd><StatusBadge status={report.status} /></dd></div>
          <div><dt>{t("report.recipients")}</dt><dd>{report.recipients.length}</dd></div>
          <div><dt>{t("report.disclosures")}</dt><dd>{report.disclosures.length}</dd></div>
          <div><dt>{t("report.generated")}</dt><dd>{formatDateTime(report.generatedAt)}</dd></div>
        </dl>
        <p><Link href={`/audit?customerId=${report.customerId}`}>{t("report.allEvents")}</Link></p>
      </Panel>
      <Panel title={t("report.recipientsTitle")}>
        {report.recipients.length === 0 ? <p class="empty">{t("report.noRecipients")}</p> : (
          <table class="table">
            <thead><tr><th scope="col">{t("audit.col.dealer")}</th><th scope="col">{t("report.country")}</th><th scope="col">{t("report.purposes")}</th><th scope="col">{t("report.fields")}</th><th scope="col">{t("report.first")}</th><th scope="col">{t("report.last")}</th><th scope="col" class="number">{t("report.times")}</th></tr></thead>
            <tbody>
              {report.recipients.map((recipient) => (
                <tr key={recipient.dealerId}>
                  <td>{recipient.name ?? <span class="mono">{recipient.dealerId}</span>}</td>
                  <td>{recipient.country ?? "—"}</td>
                  <td>{recipient.purposes.map(label).join(", ")}</td>
                  <td>{fieldList(recipient.fields)}</td>
                  <td>{formatDateTime(recipient.firstAt)}</td>
                  <td>{formatDateTime(recipient.lastAt)}</td>
                  <td class="number">{formatNumber(recipient.disclosures)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {report.disclosures.length > 0 && (
        <Panel title={t("report.each")}>
          <table class="table compact">
            <thead><tr><th scope="col">{t("audit.col.time")}</th><th scope="col">{t("audit.col.dealer")}</th><th scope="col">{t("audit.col.action")}</th><th scope="col">{t("audit.col.purpose")}</th><th scope="col">{t("report.fields")}</th><th scope="col">{t("report.consent")}</th><th scope="col">{t("report.grant")}</th></tr></thead>
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
      <Panel title={t("report.history")}>
        <ConsentTimeline consents={report.consents} dealerName={dealerName} />
      </Panel>
    </>
  );
}
