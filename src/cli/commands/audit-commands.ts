import fs from "node:fs";
import { finished } from "node:stream/promises";
import type { Writable } from "node:stream";
import type { Response } from "express";
import type { Command } from "commander";
import { streamAuditExport } from "../../audit/audit-export";
import { csvSeparatorFor } from "../../audit/csv";
import { filtersOf, parseExportQuery } from "../../audit/audit-filters";
import { verifyAuditLog } from "../../audit/audit-verify";
import { heldCheckpoints } from "../../audit/audit-witness";
import { verifyExport } from "../../audit/verify-export";
import { CommandFailed, UsageError } from "../cli-errors";
import { recordEvent, report, withDatabase, type GlobalOptions } from "../cli-context";
import type { CliIo } from "../cli-io";

/**
 * The export writes to an HTTP response; this gives it a file or standard output instead, with the same
 * back-pressure: it waits for the stream to drain before reading more rows.
 */
function streamTarget(stream: Writable): Response {
  const target = {
    status: () => target,
    setHeader: () => target,
    write: (chunk: string) => stream.write(chunk),
    on: (event: string, listener: () => void) => (stream.on(event, listener), target),
    off: (event: string, listener: () => void) => (stream.off(event, listener), target),
    end: () => target,
    get destroyed() {
      return stream.destroyed;
    },
    get writableEnded() {
      return stream.writableEnded;
    },
  };
  return target as unknown as Response;
}

function readFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
}

export function verifyAuditCommand(program: Command, io: CliIo): void {
  program.command("verify-audit")
    .description("verify the whole audit log: every event recomputed into the Merkle tree, signatures, pending batches")
    .option("--full", "recompute every leaf from its event (what this command always does; the API verifies incrementally)")
    .option("--checkpoint <file>", "a signed checkpoint note held outside the database: the log must extend it")
    .addHelpText("after", "\nExits 1 when an event was changed, deleted or inserted, a signature fails, or the log does not extend a held or witnessed checkpoint. Audited as audit.verify.")
    .action(async (options: { checkpoint?: string }, command: Command) => {
      const held = options.checkpoint ? readFile(options.checkpoint, "checkpoint") : undefined;
      await withDatabase(io, command.optsWithGlobals<GlobalOptions>(), async (ctx) => {
        await recordEvent(ctx, { action: "audit.verify", detail: { full: true } });
        const result = await verifyAuditLog(ctx.dataSource, ctx.auditKey, { full: true, held: heldCheckpoints(ctx.config.AUDIT_WITNESS_FILE, held), now: ctx.clock });
        const human = result.ok
          ? `audit log intact: ${result.checked} events verified, ${result.treeSize} of them in the latest signed checkpoint`
          : `audit log TAMPERED: ${result.problem}${result.firstBadEventId ? ` at event ${result.firstBadEventId}` : ""}`;
        report(ctx, result, human);
        if (!result.ok) throw new CommandFailed("the audit log failed verification");
      });
    });
}

export function verifyExportCommand(program: Command, io: CliIo): void {
  program.command("verify-export")
    .description("verify an NDJSON audit export against a signed checkpoint, without a database")
    .requiredOption("--checkpoint <file>", "the signed checkpoint note (GET /v1/audit/checkpoint)")
    .requiredOption("--key <verifier key>", "the log's verifier key, <origin>+<key id>+<key>")
    .argument("<export>", "the NDJSON export (GET /v1/audit/events with Accept: application/x-ndjson)")
    .addHelpText("after", "\nA whole export must hold every leaf of the checkpoint's tree; a filtered one needs proofs=1. Exits 1 when the export does not match.")
    .action((file: string, options: { checkpoint: string; key: string }) => {
      const result = verifyExport(readFile(file, "export"), readFile(options.checkpoint, "checkpoint"), options.key);
      const human = result.ok
        ? `export verified: ${result.verified} events in the signed tree of ${result.treeSize}${result.notCovered ? `; ${result.notCovered} newer events not covered by this checkpoint` : ""}`
        : `export NOT verified: ${result.problem}${result.line ? ` (line ${result.line})` : ""}`;
      io.stdout.write(`${program.opts<GlobalOptions>().json ? JSON.stringify(result) : human}\n`);
      if (!result.ok) throw new CommandFailed("the export does not match the checkpoint");
    });
}

interface ExportOptions {
  format: string;
  out?: string;
  customerId?: string;
  dealerId?: string;
  actorId?: string;
  purpose?: string;
  action?: string;
  decision?: string;
  from?: string;
  to?: string;
  proofs?: boolean;
  treeSize?: string;
  delimiter?: string;
}

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A plain date (YYYY-MM-DD) names a whole UTC day: as --from, its start; as --to, which is exclusive,
 * the start of the next day, so that `--from 2026-11-29 --to 2026-11-29` is that whole day. Anything
 * else goes to the API's own validation.
 */
export function dayBound(value: string | undefined, side: "from" | "to"): string | undefined {
  if (value === undefined || !PLAIN_DATE.test(value)) return value;
  const start = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(start)) return value;
  return new Date(side === "from" ? start : start + 24 * 60 * 60 * 1000).toISOString();
}

export function exportAuditCommand(program: Command, io: CliIo): void {
  program.command("export-audit")
    .description("export audit events, newest first, as CSV or NDJSON")
    .option("--format <format>", "csv or ndjson", "ndjson")
    .option("--customer-id <uuid>").option("--dealer-id <uuid>").option("--actor-id <id>").option("--purpose <id>")
    .option("--action <name>", "e.g. customer.read").option("--decision <decision>", "allow or deny")
    .option("--from <date>", "inclusive: ISO 8601 date-time with a zone, or YYYY-MM-DD for the start of that day (UTC)")
    .option("--to <date>", "exclusive: ISO 8601 date-time with a zone, or YYYY-MM-DD for the end of that day (UTC), that day included")
    .option("--delimiter <delimiter>", "CSV only: comma (default) or semicolon, for Excel in Dutch, French, German... locales")
    .option("--proofs", "NDJSON only: each event with its inclusion proof, for verify-export")
    .option("--tree-size <n>", "with --proofs: prove against the tree of this size (default: the latest checkpoint's)")
    .option("--out <file>", "write to this file instead of standard output")
    .addHelpText("after", "\nThe same export as GET /v1/audit/events with Accept: text/csv or application/x-ndjson. Audited as audit.export.")
    .action(async (options: ExportOptions, command: Command) => {
      if (options.format !== "csv" && options.format !== "ndjson") throw new UsageError(`--format must be csv or ndjson, not ${options.format}`);
      const { format, out: _out, proofs: withProofs, ...rest } = options;
      const given = { ...rest, from: dayBound(rest.from, "from"), to: dayBound(rest.to, "to") };
      const query = parseExportQuery({ ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)), ...(withProofs ? { proofs: "1" } : {}) });
      const filters = filtersOf(query);
      if (withProofs && format !== "ndjson") throw new UsageError("--proofs needs --format ndjson");
      if (query.delimiter && format !== "csv") throw new UsageError("--delimiter needs --format csv");
      await withDatabase(io, command.optsWithGlobals<GlobalOptions>(), async (ctx) => {
        await recordEvent(ctx, { action: "audit.export", detail: { filters, format } });
        const stream = options.out ? fs.createWriteStream(options.out) : io.stdout;
        const proofs = withProofs ? { key: ctx.auditKey, treeSize: query.treeSize } : undefined;
        await streamAuditExport(streamTarget(stream), ctx.dataSource, filters, format, ctx.clock(), proofs, csvSeparatorFor(query.delimiter, undefined));
        if (options.out) {
          stream.end();
          await finished(stream);
          io.stderr.write(`audit events written to ${options.out}\n`);
        }
      });
    });
}
