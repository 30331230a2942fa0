import { createHash } from "node:crypto";
import type { DataSubjectReport } from "../data-subject-report";
import type { ReportLanguage, ReportWording } from "./report-wording";
import { REPORT_WORDING } from "./report-wording";

/** What the letter names the customer by: the CRM reference, and the name unless the record was erased. */
export interface ReportSubject {
  externalRef: string;
  name?: { given: string; family: string; salutation?: string };
}

/** The names of the dealers the report mentions (recipients and consents), by id. */
export type DealerNames = Map<string, string>;

const STYLE = [
  "body{font:11pt/1.45 Georgia,'Times New Roman',serif;color:#111;max-width:48rem;margin:2rem auto;padding:0 1rem}",
  "h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #999}",
  "table{border-collapse:collapse;width:100%;font-size:.95em}th,td{border:1px solid #bbb;padding:.3rem .45rem;text-align:left;vertical-align:top}",
  "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:bold}dd{margin:0}",
  "footer{margin-top:2rem;font-size:.9em;color:#444}@media print{body{margin:0;max-width:none}a{color:inherit}}",
].join("");

/** The page has no script and no inline style attribute; its one style element is allowed by hash. */
export const REPORT_HTML_CSP = [
  "default-src 'none'", `style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`, "img-src 'none'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join("; ");

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Every value, including the gateway's own words, goes through here: names and references come from outside. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

function formatters(words: ReportWording) {
  const time = new Intl.DateTimeFormat(words.locale, { dateStyle: "long", timeStyle: "medium", timeZone: "UTC" });
  const day = new Intl.DateTimeFormat(words.locale, { dateStyle: "long", timeZone: "UTC" });
  const regions = new Intl.DisplayNames([words.locale], { type: "region" });
  const list = new Intl.ListFormat(words.locale, { style: "long", type: "conjunction" });
  return {
    time: (iso: string) => `${time.format(new Date(iso))} UTC`,
    day: (iso: string) => day.format(new Date(iso)),
    country: (code: string | null) => (code ? (regions.of(code) ?? code) : ""),
    list: (items: string[]) => list.format(items),
  };
}

const wordFor = (table: Record<string, string>, key: string) => table[key] ?? key;

function row(cells: string[]): string {
  return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join("")}</tr>`;
}

function table(headings: string[], rows: string[]): string {
  return `<table><thead><tr>${headings.map((heading) => `<th scope="col">${escapeHtml(heading)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/**
 * The data-subject report as a printable letter in the customer's language: dealers by name, purposes,
 * fields, channels and statuses in words, times in UTC. Self-contained: no script, no external resource.
 */
export function renderReportHtml(report: DataSubjectReport, subject: ReportSubject, dealers: DealerNames, language: ReportLanguage): string {
  const words = REPORT_WORDING[language];
  const format = formatters(words);
  const e = escapeHtml;
  const purposeWords = (ids: string[]) => e(format.list(ids.map((id) => wordFor(words.purposes, id))));
  const fieldWords = (ids: string[]) => e(format.list(ids.map((id) => wordFor(words.fields, id))));
  const dealerName = (id: string) => e(dealers.get(id) ?? words.unknownDealer);

  const name = subject.name ? [subject.name.salutation, subject.name.given, subject.name.family].filter(Boolean).join(" ") : undefined;
  const facts = [
    [words.reference, e(subject.externalRef)],
    ...(name ? [[words.customerName, e(name)]] : []),
    [words.status, e(wordFor(words.statuses, report.status))],
    ...(report.restrictedAt ? [[words.restrictedAt, e(format.time(report.restrictedAt))]] : []),
    ...(report.erasedAt ? [[words.erasedAt, e(format.time(report.erasedAt))]] : []),
    [words.generatedAt, e(format.time(report.generatedAt))],
  ];

  const recipients = report.recipients.length === 0 ? `<p>${e(words.noRecipients)}</p>` : table(
    [words.dealer, words.country, words.period, words.times, words.purposesLabel, words.fieldsLabel],
    report.recipients.map((recipient) => row([
      dealerName(recipient.dealerId), e(format.country(recipient.country)),
      `${e(format.time(recipient.firstAt))}<br>${e(format.time(recipient.lastAt))}`, String(recipient.disclosures),
      purposeWords(recipient.purposes), fieldWords(recipient.fields),
    ])),
  );
  const disclosures = report.disclosures.length === 0 ? "" : `<h2>${e(words.disclosuresHeading)}</h2>${table(
    [words.when, words.dealer, words.how, words.purposesLabel, words.fieldsLabel],
    report.disclosures.map((item) => row([
      e(format.time(item.at)), dealerName(item.dealerId), e(wordFor(words.actions, item.action)),
      item.purpose ? purposeWords([item.purpose]) : "", fieldWords(item.fields),
    ])),
  )}`;
  const consents = report.consents.length === 0 ? `<p>${e(words.noConsents)}</p>` : report.consents.map((consent) => {
    const history = consent.history.map((entry) =>
      `<li>${e(format.time(entry.at))}: ${e(wordFor(words.historyActions, entry.action))}, ${purposeWords(entry.purposes)}</li>`).join("");
    return `<section><h3>${dealerName(consent.dealerId)}</h3><dl>${[
      [words.purposesLabel, purposeWords(consent.purposes)],
      [words.status, e(wordFor(words.statuses, consent.status))],
      [words.recordedOn, e(format.time(consent.createdAt))],
      [words.channelLabel, e(wordFor(words.channels, consent.channel))],
      [words.expires, consent.expiresAt ? e(format.day(consent.expiresAt)) : e(words.never)],
    ].map(([term, value]) => `<dt>${e(term!)}</dt><dd>${value}</dd>`).join("")}</dl><p>${e(words.historyLabel)}</p><ul>${history}</ul></section>`;
  }).join("");

  return `<!DOCTYPE html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(words.title)}</title><style>${STYLE}</style></head>
<body><main><h1>${e(words.title)}</h1><p>${e(words.intro)}</p>
<dl>${facts.map(([term, value]) => `<dt>${e(term!)}</dt><dd>${value}</dd>`).join("")}</dl>
<h2>${e(words.recipientsHeading)}</h2>${recipients}${disclosures}
<h2>${e(words.consentsHeading)}</h2>${consents}
<footer><p>${e(words.footer)}</p></footer></main></body></html>
`;
}
