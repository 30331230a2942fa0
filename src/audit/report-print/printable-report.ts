import type { DataSource } from "typeorm";
import { CustomerEntity } from "../../customers/customer.entity";
import type { DataSubjectReport } from "../data-subject-report";
import { renderReportHtml, type DealerNames } from "./report-html";
import { reportLanguage, type ReportLanguage } from "./report-wording";

async function dealerNames(dataSource: DataSource, report: DataSubjectReport): Promise<DealerNames> {
  const ids = [...new Set([...report.recipients.map((recipient) => recipient.dealerId), ...report.consents.map((consent) => consent.dealerId)])];
  if (ids.length === 0) return new Map();
  const rows: { id: string; name: string }[] = await dataSource.query(`SELECT id, name FROM dealers WHERE id IN (${ids.map(() => "?").join(", ")})`, ids);
  return new Map(rows.map((dealer) => [dealer.id, dealer.name]));
}

/**
 * The report as a printable page for the customer: in the language of their record when it has one
 * the report is written in (en, nl, fr), else in `asked`, else English.
 */
export async function printableReport(dataSource: DataSource, report: DataSubjectReport, asked: ReportLanguage | undefined): Promise<string> {
  const customer = await dataSource.getRepository(CustomerEntity).findOneByOrFail({ id: report.customerId });
  const profile = customer.profile ?? undefined;
  const language = reportLanguage(profile?.preferredLanguage, asked);
  // An erased record keeps no CRM reference: the gateway's id is then what both sides can quote.
  const subject = { externalRef: customer.externalRef ?? customer.id, ...(profile?.name ? { name: profile.name } : {}) };
  return renderReportHtml(report, subject, await dealerNames(dataSource, report), language);
}
