import fs from "node:fs";
import { finished } from "node:stream/promises";
import type { Writable } from "node:stream";
import type { Response } from "express";
import type { Command } from "commander";
import { streamAuditExport } from "../../audit/audit-export";
import { filtersOf, parseExportQuery } from "../../audit/audit-filters";
import { sealAuditEvents } from "../../audit/audit-seal";
import { verifyAuditLog } from "../../audit/audit-verify";
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

export function verifyAuditCommand(program: Command, io: CliIo): void {
  program.command("verify-audit")
    .description("seal settled audit events, then verify the whole hash chain")
    .addHelpText("after", "\nExits 1 when an event was changed, deleted or inserted out of order; prints the first bad event. Audited as audit.verify.")
    .action(async (_options: unknown, command: Command) => {
      await withDatabase(io, command.optsWithGlobals<GlobalOptions>(), async (ctx) => {
        await sealAuditEvents(ctx.dataSource, ctx.clock, { lockWaitSeconds: 5 });
        await recordEvent(ctx, { action: "audit.verify", detail: {} });
        const result = await verifyAuditLog(ctx.dataSource);
        const human = result.ok
          ? `audit log intact: ${result.checked} sealed events verified, ${result.unsealed} not yet sealed${result.head ? `; head ${result.head.chainHash}` : ""}`
          : `audit log TAMPERED: event ${result.firstBadEventId} ${result.problem} (after ${result.checked - 1} good events)`;
        report(ctx, result, human);
        if (!result.ok) throw new CommandFailed("the audit log failed verification");
      });
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
}

export function exportAuditCommand(program: Command, io: CliIo): void {
  program.command("export-audit")
    .description("export audit events, newest first, as CSV or NDJSON")
    .option("--format <format>", "csv or ndjson", "ndjson")
    .option("--customer-id <uuid>").option("--dealer-id <uuid>").option("--actor-id <id>").option("--purpose <id>")
    .option("--action <name>", "e.g. customer.read").option("--decision <decision>", "allow or deny")
    .option("--from <date-time>", "inclusive, ISO 8601 with a zone").option("--to <date-time>", "exclusive")
    .option("--out <file>", "write to this file instead of standard output")
    .addHelpText("after", "\nThe same export as GET /v1/audit/events with Accept: text/csv or application/x-ndjson. Audited as audit.export.")
    .action(async (options: ExportOptions, command: Command) => {
      if (options.format !== "csv" && options.format !== "ndjson") throw new UsageError(`--format must be csv or ndjson, not ${options.format}`);
      const { format, out: _out, ...given } = options;
      const filters = filtersOf(parseExportQuery(Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined))));
      await withDatabase(io, command.optsWithGlobals<GlobalOptions>(), async (ctx) => {
        await recordEvent(ctx, { action: "audit.export", detail: { filters, format } });
        const stream = options.out ? fs.createWriteStream(options.out) : io.stdout;
        await streamAuditExport(streamTarget(stream), ctx.dataSource, filters, format, ctx.clock());
        if (options.out) {
          stream.end();
          await finished(stream);
          io.stderr.write(`audit events written to ${options.out}\n`);
        }
      });
    });
}
