import { afterEach, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { createDataSource } from "../src/db/data-source";
import { migrate } from "../src/db/migrate";
import type { MigrationInterface } from "typeorm";
import { VerifiableAuditLog1764400000000 } from "../src/db/migrations/1764400000000-VerifiableAuditLog";
import { AuditTreeTiles1764800000000 } from "../src/db/migrations/1764800000000-AuditTreeTiles";
import { AuditBatchMac1764900000000 } from "../src/db/migrations/1764900000000-AuditBatchMac";
import { AuditLeavesByBatch1765000000000 } from "../src/db/migrations/1765000000000-AuditLeavesByBatch";
import { createTestDatabase, type TestDatabase } from "./support/databases";

/**
 * Two processes starting together on one database may both migrate it (one that waited for the
 * migration lock in vain goes ahead without it, and before the SQLite lock file existed, SQLite had no
 * lock across processes): the second works through the list of pending migrations it read at its
 * start, and so re-runs migrations the first has applied, after later ones have changed the schema they touch.
 */
let database: TestDatabase | undefined;
let dataSource: DataSource | undefined;
afterEach(async () => {
  await dataSource?.destroy();
  await database?.drop();
  dataSource = undefined;
  database = undefined;
});

const auditTables = async (db: DataSource) =>
  ((await db.query(db.options.type === "better-sqlite3"
    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'audit_%' ORDER BY name"
    : "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'audit_%' ORDER BY TABLE_NAME")) as { name: string }[]).map((row) => row.name);

describe("a migration re-run by a second process after the later ones", () => {
  it.each([
    ["AuditBatchMac", [new AuditBatchMac1764900000000()]],
    ["AuditLeavesByBatch", [new AuditLeavesByBatch1765000000000()]],
    ["VerifiableAuditLog, which makes the old audit tables anew, then the later ones", [
      new VerifiableAuditLog1764400000000(), new AuditTreeTiles1764800000000(), new AuditBatchMac1764900000000(), new AuditLeavesByBatch1765000000000(),
    ]],
  ] as [string, MigrationInterface[]][])("when %s run again on the migrated schema, then the audit tables are as they were and nothing fails", async (_, migrations) => {
    database = await createTestDatabase();
    dataSource = createDataSource(database.url);
    await dataSource.initialize();
    await migrate(dataSource);
    const before = await auditTables(dataSource);
    const runner = dataSource.createQueryRunner();
    try {
      for (const migration of migrations) await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await auditTables(dataSource)).toEqual(before);
    expect(before).toContain("audit_batches");
    expect(before).not.toContain("audit_pending");
  });
});
