import type { DataSource } from "typeorm";
import { withDatabaseLock } from "./database-lock";

export const MIGRATION_LOCK = "migrations";
const LOCK_WAIT_SECONDS = 60;

/**
 * Applies pending migrations. Processes that start together take turns, so only the first one migrates;
 * one that waited a minute in vain migrates anyway (each migration runs in its own transaction).
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  const run = () => dataSource.runMigrations({ transaction: "each" });
  const outcome = await withDatabaseLock(dataSource, MIGRATION_LOCK, LOCK_WAIT_SECONDS, run);
  if (!outcome.acquired) await run();
}
