import { UsageError } from "./cli-errors";
import { csvRecords, detectDelimiter, type CsvDelimiter } from "./csv-records";

/**
 * A CSV customer file, one customer per row, turned into the NDJSON lines the import reads, so both
 * formats go through the same validation. Columns are the record's fields, nested ones with a dot
 * (name.given, postalAddress.city, marketingPreferences.email); `interests` separates its values with
 * "|"; purchases, warranties and serviceOrders hold JSON arrays. An empty cell leaves the field out.
 */
const TEXT = ["externalRef", "name.given", "name.family", "name.salutation", "email", "phone", "postalAddress.line1", "postalAddress.line2",
  "postalAddress.postalCode", "postalAddress.city", "postalAddress.country", "birthDate", "preferredLanguage", "preferredBoutique"];
const BOOLEAN = ["marketingPreferences.email", "marketingPreferences.phone", "marketingPreferences.post", "marketingPreferences.sms"];
const LIST = ["interests"];
const JSON_ARRAY = ["purchases", "warranties", "serviceOrders"];
export const CSV_COLUMNS = [...TEXT, ...BOOLEAN, ...LIST, ...JSON_ARRAY];

export interface CsvLines {
  /** One line per data row: the customer as JSON, or a reason the row cannot become one. */
  rows: ({ json: string } | { error: string })[];
  /** The file line each row starts on, for messages. */
  fileLines: number[];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, tail] = path.split(".") as [string, string | undefined];
  if (tail === undefined) target[head] = value;
  else target[head] = { ...((target[head] as Record<string, unknown> | undefined) ?? {}), [tail]: value };
}

function cellValue(column: string, cell: string): unknown {
  if (BOOLEAN.includes(column)) {
    const lowered = cell.toLowerCase();
    if (["true", "yes", "1"].includes(lowered)) return true;
    if (["false", "no", "0"].includes(lowered)) return false;
    throw new Error(`${column}: must be true or false`);
  }
  if (LIST.includes(column)) return cell.split("|").map((value) => value.trim()).filter(Boolean);
  if (JSON_ARRAY.includes(column)) {
    try {
      return JSON.parse(cell);
    } catch {
      throw new Error(`${column}: must be a JSON array`);
    }
  }
  return cell;
}

/** The delimiter (`,`, `;` or tab) is read from the header line unless given. */
export function csvToCustomerLines(text: string, delimiter?: CsvDelimiter): CsvLines {
  const body = text.replace(/^\uFEFF/, "");
  const headerLine = body.split(/\r?\n/).find((line) => line.trim() !== "");
  if (headerLine === undefined) throw new UsageError("the CSV file is empty");
  const separator = delimiter ?? detectDelimiter(headerLine);
  const [first, ...records] = csvRecords(body, separator);
  if (!first || "error" in first) throw new UsageError(`the CSV header on line ${first?.line ?? 1} cannot be read: ${first && "error" in first ? first.error : "empty"}`);
  const header = first.cells.map((name) => name.trim());
  const unknown = header.filter((name) => !CSV_COLUMNS.includes(name));
  if (unknown.length > 0) {
    const hint = header.length === 1 && /[,;\t]/.test(header[0]!) ? "; is the delimiter right? (`,`, `;` and tab are detected from the header)" : "";
    throw new UsageError(`unknown CSV columns: ${unknown.join(", ")} (known: ${CSV_COLUMNS.join(", ")})${hint}`);
  }
  const rows: CsvLines["rows"] = [];
  const fileLines: number[] = [];
  for (const entry of records) {
    fileLines.push(entry.line);
    if ("error" in entry) {
      rows.push({ error: entry.error });
      continue;
    }
    try {
      const customer: Record<string, unknown> = {};
      header.forEach((column, index) => {
        const cell = entry.cells[index]!.trim();
        if (cell !== "") setPath(customer, column, cellValue(column, cell));
      });
      rows.push({ json: JSON.stringify(customer) });
    } catch (error) {
      rows.push({ error: (error as Error).message });
    }
  }
  return { rows, fileLines };
}
