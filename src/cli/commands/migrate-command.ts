import type { Command } from "commander";
import type { DataSource } from "typeorm";
import { migrate } from "../../db/migrate";
import { UsageError } from "../cli-errors";
import { recordEvent, report, withDatabase, type GlobalOptions } from "../cli-context";
import type { CliIo } from "../cli-io";

async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  try {
    const rows: { name: string }[] = await dataSource.query("SELECT name FROM schema_migrations ORDER BY id");
    return rows.map((row) => row.name);
  } catch {
    return [];
  }
}

export function migrateCommand(program: Command, io: CliIo): void {
  program.command("migrate")
    .description("apply pending migrations (up), or revert the last one (down)")
    .argument("[direction]", "up or down", "up")
    .option("--yes", "confirm `down`: reverting a migration can drop tables and their data")
    .addHelpText("after", "\nRuns as the database user of --database-url, else MIGRATION_DATABASE_URL, else DATABASE_URL." +
      "\nSeveral gateways or CLIs migrating at once take turns (a lock row in the database). `up` is audited as schema.migrate, `down` as schema.revert.")
    .action(async (direction: string, options: { yes?: boolean }, command: Command) => {
      if (direction !== "up" && direction !== "down") throw new UsageError(`direction must be up or down, not ${direction}`);
      if (direction === "down" && !options.yes) throw new UsageError("reverting a migration can drop tables and their data; add --yes to go ahead");
      const globals = command.optsWithGlobals<GlobalOptions>();
      // Schema changes go through the migration user when there is one; the gateway's own user may lack the rights.
      const databaseUrl = globals.databaseUrl ?? (io.env.MIGRATION_DATABASE_URL || undefined);
      await withDatabase(io, { ...globals, databaseUrl }, async (ctx) => {
        const before = await appliedMigrations(ctx.dataSource);
        if (direction === "up") {
          await migrate(ctx.dataSource, ctx.auditKey);
          const applied = (await appliedMigrations(ctx.dataSource)).filter((name) => !before.includes(name));
          if (applied.length > 0) await recordEvent(ctx, { action: "schema.migrate", detail: { applied } });
          report(ctx, { applied }, applied.length > 0 ? `applied: ${applied.join(", ")}` : "the schema is up to date");
          return;
        }
        const last = before.at(-1);
        if (!last) {
          report(ctx, { reverted: null }, "no migration to revert");
          return;
        }
        // Recorded first: reverting the first migration drops the audit table itself.
        await recordEvent(ctx, { action: "schema.revert", detail: { migration: last } });
        await ctx.dataSource.undoLastMigration({ transaction: "each" });
        report(ctx, { reverted: last }, `reverted: ${last}`);
      }, { requireMigrated: false });
    });
}
