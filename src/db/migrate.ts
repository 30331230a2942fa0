import type { DataSource } from "typeorm";
import type { AuditKey } from "../audit/audit-key";
import { withDatabaseLock } from "./database-lock";
import { useAuditKeyForMigrations } from "./migrations/migration-audit-key";

export const MIGRATION_LOCK = "migrations";
const LOCK_WAIT_SECONDS = 60;

/**
 * Applies pending migrations. Processes that start together take turns, so only the first one migrates;
 * one that waited a minute in vain migrates anyway (each migration runs in its own transaction).
 * A migration that signs (the one that queues the events from before the verifiable log) signs with
 * `auditKey`, else with the key the environment names.
 */
export async function migrate(dataSource: DataSource, auditKey?: AuditKey): Promise<void> {
  if (auditKey) useAuditKeyForMigrations(dataSource, auditKey);
  const run = () => dataSource.runMigrations({ transaction: "each" });
  const outcome = await withDatabaseLock(dataSource, MIGRATION_LOCK, LOCK_WAIT_SECONDS, run);
  if (!outcome.acquired) await run();
}
