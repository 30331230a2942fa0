import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { createDataSource } from "../src/db/data-source";
import { migrate } from "../src/db/migrate";
import { MIGRATIONS } from "../src/db/migrations";
import { createTestDatabase, TEST_DB, type TestDatabase } from "./support/databases";

/** Tables with an autoincrement `seq`: SQLite allows AUTOINCREMENT only on INTEGER, MySQL gets BIGINT. */
const SEQ_TABLES = ["consent_history", "dealer_events", "audit_events", "audit_seals", "webhook_deliveries", "marketing_preference_history"];

let database: TestDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource(database.url);
  await dataSource.initialize();
});
afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

async function tableNames(): Promise<string[]> {
  const rows: Record<string, string>[] = await dataSource.query(
    TEST_DB === "mysql" ? "SHOW TABLES" : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  return rows.map((row) => Object.values(row)[0]!).filter((name) => name !== "schema_migrations").sort();
}

describe("migrations", () => {
  it("when applied to an empty database, then every migration is recorded and the entities match the schema", async () => {
    await migrate(dataSource);
    const applied: { name: string }[] = await dataSource.query("SELECT name FROM schema_migrations");
    expect(applied.map((row) => row.name).sort()).toEqual(MIGRATIONS.map((migration) => migration.name).sort());

    const diff = (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((query) => query.query);
    if (TEST_DB === "mysql") {
      expect(diff, diff.join("\n")).toEqual([]);
    } else {
      const unexplained = diff.filter((query) => !SEQ_TABLES.some((table) => query.includes(table)));
      expect(unexplained).toEqual([]);
    }
  });

  it("when applied twice, then the second run changes nothing", async () => {
    await migrate(dataSource);
    const applied: { n: number | string }[] = await dataSource.query("SELECT COUNT(*) AS n FROM schema_migrations");
    expect(Number(applied[0]!.n)).toBe(MIGRATIONS.length);
  });

  it("when every migration is reverted, then no table is left, and applying again restores them", async () => {
    const before = await tableNames();
    expect(before).toContain("audit_events");
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: "each" });
    expect(await tableNames()).toEqual([]);
    await migrate(dataSource);
    expect(await tableNames()).toEqual(before);
  });

  it("when the purposes are seeded, then the four policy purposes are there", async () => {
    const rows: { id: string }[] = await dataSource.query("SELECT id FROM purposes ORDER BY id");
    expect(rows.map((row) => row.id)).toEqual(["in_store_experience", "record_accuracy", "relationship_management", "service_delivery"]);
  });

  it("when anyone updates or deletes an audit event, then the database refuses", async () => {
    await dataSource.query(
      "INSERT INTO audit_events (id, at, actor_type, actor_id, action, decision, status, request_id, ip) VALUES ('00000000-0000-4000-8000-000000000001', '2026-01-01T00:00:00.000Z', 'system', 'test', 'test.event', 'allow', 200, 'r1', '127.0.0.1')",
    );
    await expect(dataSource.query("UPDATE audit_events SET action = 'forged'")).rejects.toThrow(/append-only/);
    await expect(dataSource.query("DELETE FROM audit_events")).rejects.toThrow(/append-only/);
    const rows: { action: string }[] = await dataSource.query("SELECT action FROM audit_events");
    expect(rows).toEqual([{ action: "test.event" }]);
  });
});

describe("transactions", () => {
  it("when two transactions run at once and one fails, then only the failing one is rolled back", async () => {
    const insert = (id: string) =>
      `INSERT INTO dealers (id, name, country, status, created_at, updated_at) VALUES ('${id}', 'Tx test', 'FR', 'active', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`;
    const failing = dataSource.transaction(async (manager) => {
      await manager.query(insert("00000000-0000-4000-8000-00000000000a"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error("rolled back on purpose");
    });
    const succeeding = dataSource.transaction(async (manager) => {
      await manager.query(insert("00000000-0000-4000-8000-00000000000b"));
    });
    await expect(failing).rejects.toThrow("rolled back on purpose");
    await succeeding;
    const rows: { id: string }[] = await dataSource.query("SELECT id FROM dealers WHERE name = 'Tx test'");
    expect(rows.map((row) => row.id)).toEqual(["00000000-0000-4000-8000-00000000000b"]);
  });
});
