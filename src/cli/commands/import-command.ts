import fs from "node:fs";
import path from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { importCustomers, MAX_IMPORT_LINES, parseImport, type ImportRejection } from "../../customers/customer-import";
import { importAuditFacts } from "../../customers/customer-routes";
import { CommandFailed, UsageError } from "../cli-errors";
import { auditedTransaction, report, withDatabase, type CliContext, type GlobalOptions } from "../cli-context";
import type { CliIo } from "../cli-io";
import { CSV_COLUMNS, csvToCustomerLines } from "../csv-customers";

/** One customer of the file: its JSON line, or why the row could not become one, with the file line it came from. */
type Entry = { fileLine: number; json: string } | { fileLine: number; error: string };

/** Rejected lines printed; the rest are counted, and all of them written with --rejects. */
const SHOWN_REJECTIONS = 100;

function entriesOf(text: string, format: "ndjson" | "csv"): Entry[] {
  if (format === "csv") {
    const { rows, fileLines } = csvToCustomerLines(text);
    return rows.map((row, index) => ({ fileLine: fileLines[index]!, ...row }));
  }
  return text.replace(/^\uFEFF/, "").split(/\r?\n/).flatMap((line, index) => (line.trim() === "" ? [] : [{ fileLine: index + 1, json: line }]));
}

const EXTENSION_FORMATS: Record<string, "ndjson" | "csv"> = { ".ndjson": "ndjson", ".jsonl": "ndjson", ".json": "ndjson", ".csv": "csv", ".tsv": "csv" };

/**
 * The format from --format, else the file's extension, else its first line: a JSON object is NDJSON, a
 * header naming a known column is CSV. Anything else is refused with a hint rather than guessed.
 */
function formatOf(file: string, text: string, given: string | undefined, io: CliIo): "ndjson" | "csv" {
  if (given === "csv" || given === "ndjson") return given;
  const byExtension = EXTENSION_FORMATS[path.extname(file).toLowerCase()];
  if (byExtension) return byExtension;
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/).find((line) => line.trim() !== "")?.trim() ?? "";
  const looksCsv = firstLine.split(/[,;\t]/).some((cell) => CSV_COLUMNS.includes(cell.replace(/"/g, "").trim()));
  const sniffed = firstLine.startsWith("{") ? "ndjson" : looksCsv ? "csv" : undefined;
  if (!sniffed) throw new UsageError(`cannot tell whether ${file} is NDJSON or CSV from its name or first line: add --format ndjson or --format csv`);
  io.stderr.write(`reading ${file} as ${sniffed === "csv" ? "CSV (its first line is a header)" : "NDJSON (its first line is a JSON object)"}; --format chooses otherwise\n`);
  return sniffed;
}

interface Totals {
  created: number;
  updated: number;
  total: number;
  rejected: ImportRejection[];
}

/**
 * Imports one block of at most MAX_IMPORT_LINES customers in one transaction with one customer.import
 * event, exactly as the admin API imports a file; lines are renumbered to the file's.
 */
async function importBlock(ctx: CliContext, block: { fileLine: number; json: string }[], seen: Map<string, number>, totals: Totals, progress: SingleBar): Promise<void> {
  const parsed = parseImport(block.map((entry) => entry.json).join("\n"));
  const fileLine = (line: number) => block[line - 1]!.fileLine;
  parsed.rejected = parsed.rejected.map((rejection) => ({ ...rejection, line: fileLine(rejection.line) }));
  parsed.lines = parsed.lines.filter((entry) => {
    const first = seen.get(entry.input.externalRef);
    if (first === undefined) {
      seen.set(entry.input.externalRef, fileLine(entry.line));
      return true;
    }
    parsed.rejected.push({ line: fileLine(entry.line), reason: `duplicate externalRef within the file (first on line ${first})` });
    return false;
  });
  progress.increment(parsed.rejected.length);
  let reported = 0;
  const result = await auditedTransaction(ctx, async (manager, record) => {
    const outcome = await importCustomers(manager, parsed, ctx.clock(), ctx.actorId, (done) => {
      progress.increment(done - reported);
      reported = done;
    });
    await record(importAuditFacts(outcome));
    return outcome;
  });
  totals.created += result.created.length;
  totals.updated += result.updated.length;
  totals.total += result.total;
  totals.rejected.push(...result.rejected);
}

function summary(totals: Totals): string {
  const lines = [`${totals.total} customers read: ${totals.created} created, ${totals.updated} updated, ${totals.rejected.length} rejected`];
  for (const rejection of totals.rejected.slice(0, SHOWN_REJECTIONS)) lines.push(`  line ${rejection.line}: ${rejection.reason}`);
  if (totals.rejected.length > SHOWN_REJECTIONS) lines.push(`  ... and ${totals.rejected.length - SHOWN_REJECTIONS} more (write them all with --rejects <file>)`);
  return lines.join("\n");
}

export function importCustomersCommand(program: Command, io: CliIo): void {
  program.command("import-customers")
    .description("import customers from an NDJSON or CSV file (upsert by externalRef)")
    .argument("<file>", "file.ndjson (one customer per line, as POST /v1/admin/customers takes it) or file.csv")
    .option("--format <format>", "ndjson or csv (default: from the file name, .ndjson/.jsonl/.json or .csv/.tsv, else from its first line)")
    .option("--rejects <file>", "write every rejected line, as NDJSON { line, reason }, to this file")
    .addHelpText("after", [
      "",
      "Valid lines are imported and invalid ones reported with their line number, as the admin API's import does;",
      `blocks of ${MAX_IMPORT_LINES} lines are imported one transaction (and one customer.import audit event) each.`,
      "CSV: a header row naming the record's fields, nested ones with a dot (name.given, postalAddress.city,",
      "marketingPreferences.email); interests separated by |; purchases, warranties and serviceOrders as JSON arrays.",
      "The delimiter (, ; or tab) is detected from the header. A row that cannot be read (an unclosed quote, a wrong",
      "number of cells) is rejected on its own line and the rows after it are imported.",
      "Exits 1 when any line was rejected (the valid ones are imported all the same).",
    ].join("\n"))
    .action(async (file: string, options: { format?: string; rejects?: string }, command: Command) => {
      if (options.format !== undefined && options.format !== "csv" && options.format !== "ndjson") throw new UsageError(`--format must be ndjson or csv, not ${options.format}`);
      if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const text = fs.readFileSync(file, "utf8");
      const entries = entriesOf(text, formatOf(file, text, options.format, io));
      if (entries.length === 0) throw new UsageError(`${file} holds no customers`);
      await withDatabase(io, command.optsWithGlobals<GlobalOptions>(), async (ctx) => {
        const totals: Totals = { created: 0, updated: 0, total: 0, rejected: [] };
        for (const entry of entries) if ("error" in entry) totals.rejected.push({ line: entry.fileLine, reason: entry.error });
        totals.total += totals.rejected.length;
        const valid = entries.filter((entry): entry is { fileLine: number; json: string } => "json" in entry);
        const progress = new SingleBar({ stream: io.stderr, format: "importing [{bar}] {percentage}% | {value}/{total} lines | {eta}s left", hideCursor: true });
        progress.start(entries.length, totals.rejected.length);
        const seen = new Map<string, number>();
        try {
          for (let start = 0; start < valid.length; start += MAX_IMPORT_LINES) {
            await importBlock(ctx, valid.slice(start, start + MAX_IMPORT_LINES), seen, totals, progress);
          }
        } finally {
          progress.stop();
        }
        totals.rejected.sort((a, b) => a.line - b.line);
        if (options.rejects) fs.writeFileSync(options.rejects, totals.rejected.map((rejection) => JSON.stringify(rejection)).join("\n") + (totals.rejected.length ? "\n" : ""));
        report(ctx, totals, summary(totals));
        if (totals.rejected.length > 0) throw new CommandFailed(`${totals.rejected.length} of ${totals.total} lines were rejected`);
      });
    });
}
