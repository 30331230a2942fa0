import type { DataSource } from "typeorm";
import { isMysql } from "./dialect";

const LOCK_NAME = "dealer_gateway_migrations";

/**
 * Applies pending migrations. On MySQL a named lock makes processes that start together take turns,
 * so only the first one migrates.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  if (!isMysql(dataSource)) {
    await dataSource.runMigrations({ transaction: "each" });
    return;
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query("SELECT GET_LOCK(?, 60)", [LOCK_NAME]);
    await dataSource.runMigrations({ transaction: "each" });
  } finally {
    await runner.query("SELECT RELEASE_LOCK(?)", [LOCK_NAME]).catch(() => undefined);
    await runner.release();
  }
}
