import { parse as parseCsv } from "csv-parse/sync";

export const CSV_DELIMITERS = [",", ";", "\t"] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** One record of the file with the line it starts on: its cells, or why they could not be read. */
export type CsvRecord = { line: number; cells: string[] } | { line: number; error: string };

const quotesIn = (line: string) => line.split('"').length - 1;

/** The delimiter the header line uses most outside quotes: Dutch or French Excel writes `;`, some exports a tab. */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const unquoted = headerLine.replace(/"[^"]*"/g, "");
  const counts = CSV_DELIMITERS.map((delimiter) => unquoted.split(delimiter).length - 1);
  const best = counts.indexOf(Math.max(...counts));
  return counts[best]! > 0 ? CSV_DELIMITERS[best]! : ",";
}

function cellsOf(text: string, delimiter: CsvDelimiter): string[] | undefined {
  try {
    const rows = parseCsv(text, { delimiter, relax_column_count: true }) as string[][];
    return rows.length === 1 ? rows[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits a CSV text into records, one per row, each with the file line it starts on. A quoted cell may
 * span lines; but a row whose quote never closes, or whose quote swallows the following lines into a
 * record that does not parse or has the wrong number of cells, is rejected alone, on its own line, and
 * reading goes on with the next line, so one unclosed quote costs one row, not the file. The first
 * record (the header) sets the number of cells every other row must have.
 */
export function csvRecords(text: string, delimiter: CsvDelimiter): CsvRecord[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const records: CsvRecord[] = [];
  let width: number | undefined;
  let start = 0;
  while (start < lines.length) {
    if (lines[start]!.trim() === "") {
      start += 1;
      continue;
    }
    let end = start;
    let open = quotesIn(lines[start]!) % 2 === 1;
    while (open && end + 1 < lines.length) {
      end += 1;
      if (quotesIn(lines[end]!) % 2 === 1) open = false;
    }
    const line = start + 1;
    if (open) {
      records.push({ line, error: "a quoted cell is never closed" });
      start += 1;
      continue;
    }
    const cells = cellsOf(lines.slice(start, end + 1).join("\n"), delimiter);
    const expected = width ?? cells?.length;
    if (cells && cells.length === expected) {
      width = expected;
      records.push({ line, cells });
      start = end + 1;
    } else if (end > start) {
      records.push({ line, error: "a quoted cell is not closed on this line, and the lines after it do not close it into a valid row" });
      start += 1;
    } else {
      records.push({ line, error: cells ? `${cells.length} cells where the header has ${expected}` : "not a valid CSV row: a quote must enclose a whole cell" });
      start += 1;
    }
  }
  return records;
}
