/** Cells a spreadsheet would evaluate as a formula (OWASP CSV injection), tab and carriage return included. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Both delimiters are quoted whichever is used, so a cell reads the same in either export. */
const NEEDS_QUOTES = /[",;\r\n]/;

/** Comma as RFC 4180 has it; semicolon as Excel expects in locales whose decimal mark is a comma. */
export type CsvSeparator = "," | ";";
/** Lets Excel (and others) read the file as UTF-8 instead of the machine's legacy code page. */
export const UTF8_BOM = "\uFEFF";

/** One CSV cell: neutralised against formula injection, then quoted as RFC 4180 requires. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with the RFC 4180 line break. */
export function csvRow(values: (string | number | null | undefined)[], separator: CsvSeparator = ","): string {
  return `${values.map(csvCell).join(separator)}\r\n`;
}

/**
 * Languages whose spreadsheet programs (Excel, LibreOffice) write the decimal with a comma and so list
 * CSV cells with `;`: a comma-separated file opens as one column there.
 */
const SEMICOLON_LANGUAGES = new Set([
  "nl", "fr", "de", "it", "es", "pt", "da", "sv", "fi", "nb", "nn", "no", "is", "pl", "cs", "sk", "hu", "ro", "sl", "hr",
  "sr", "bg", "el", "tr", "ru", "uk", "lt", "lv", "et", "ca", "eu", "gl",
]);

/** `delimiter=comma|semicolon` when given, else `;` for a client whose first language lists with it, else `,`. */
export function csvSeparatorFor(delimiter: "comma" | "semicolon" | undefined, preferredLanguage: string | undefined): CsvSeparator {
  if (delimiter) return delimiter === "semicolon" ? ";" : ",";
  const language = preferredLanguage?.toLowerCase().split("-")[0];
  return language && SEMICOLON_LANGUAGES.has(language) ? ";" : ",";
}
