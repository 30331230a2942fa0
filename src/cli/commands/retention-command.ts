import type { Command } from "commander";
import { runRetention } from "../../retention/run-retention";
import { CommandFailed } from "../cli-errors";
import { report, withDatabase, type GlobalOptions } from "../cli-context";
import type { CliIo } from "../cli-io";

export function retentionCommand(program: Command, io: CliIo): void {
  program.command("retention")
    .description("announce expired consents to their dealers and erase customers past the retention period (policy P9)")
    .option("--dry-run", "report what would be done, change nothing")
    .addHelpText("after", [
      "",
      "A customer without purchase, contract (warranty end, service order) or consent activity for RETENTION_YEARS",
      "(default 10) and without a live consent is erased to an anonymous tombstone, as the admin erase does; a",
      "restricted customer is listed instead, for an admin to decide. Audited as retention.consent_expired and",
      "retention.erase. Only one run at a time per MySQL database; exits 1 when another is under way.",
    ].join("\n"))
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      await withDatabase(io, command.optsWithGlobals<GlobalOptions>(), async (ctx) => {
        const result = await runRetention(
          { dataSource: ctx.dataSource, audit: ctx.audit, retentionYears: ctx.config.RETENTION_YEARS, actorId: ctx.actorId },
          ctx.clock(),
          { dryRun: options.dryRun ?? false },
        );
        if (result.skipped) throw new CommandFailed("another process is running retention on this database; try again later");
        const verb = result.dryRun ? "would be" : "were";
        const lines = [
          `retention (${result.retentionYears} years, cutoff ${result.cutoff})${result.dryRun ? ", dry run: nothing changed" : ""}`,
          `  ${result.expiredConsents.length} expired consent purposes ${verb} announced to their dealers`,
          `  ${result.erased.length} customers ${verb} erased${result.erased.length ? `: ${result.erased.map((entry) => entry.customerId).join(", ")}` : ""}`,
          `  ${result.keptRestricted.length} restricted customers past retention were kept for an admin to decide${result.keptRestricted.length ? `: ${result.keptRestricted.join(", ")}` : ""}`,
          `  ${result.purgedIdempotentResults} stored results of dealer writes older than 24 hours ${verb} purged`,
        ];
        report(ctx, result, lines.join("\n"));
      });
    });
}
