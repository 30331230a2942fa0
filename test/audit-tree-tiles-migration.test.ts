import { afterEach, describe, expect, it } from "vitest";
import { DataSource } from "typeorm";
import { createAuditLog } from "../src/audit/audit-log";
import { verifyAuditLog } from "../src/audit/audit-verify";
import { dataSourceOptions } from "../src/db/data-source";
import { MIGRATIONS } from "../src/db/migrations";
import { AuditTreeTiles1764800000000 } from "../src/db/migrations/1764800000000-AuditTreeTiles";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { integrate, verify } from "./audit.support";

let gw: TestGateway | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await gw?.stop();
  await database?.drop();
  gw = undefined;
  database = undefined;
});

async function writeEvents(gateway: TestGateway, count: number): Promise<void> {
  const audit = createAuditLog(gateway.dataSource, gateway.clock.read, gateway.gateway.auditKey, { batch: true, maxBatch: 50 });
  await Promise.all(Array.from({ length: count }, (_, i) => audit.record({
    actorType: "system", actorId: "tiles-test", action: "test.tiles", decision: "allow", status: 200, requestId: `req-${i}`, ip: "127.0.0.1", detail: { i },
  })));
  await integrate(gateway);
}

type TileRow = { level: number | string; tile_index: number | string; hashes: string };
const tiles = async (db: DataSource | TestGateway["dataSource"]): Promise<TileRow[]> =>
  (await db.query("SELECT level, tile_index, hashes FROM audit_tree_tiles ORDER BY level, tile_index") as TileRow[])
    .map((row) => ({ level: Number(row.level), tile_index: Number(row.tile_index), hashes: row.hashes }));

async function withMigrations(url: string, work: (dataSource: DataSource) => Promise<void>): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions(url), migrations: MIGRATIONS });
  await dataSource.initialize();
  try {
    await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

describe("the tree's nodes moved from one row each into tiles", () => {
  it("when a log stored as node rows is migrated, then its tiles hold the same tree, it verifies in full, and it grows on", async () => {
    database = await createTestDatabase();
    gw = await startTestGateway({ database });
    await writeEvents(gw, 600);
    const before = await tiles(gw.dataSource);
    expect(before.map((row) => `${row.level}/${row.tile_index}`)).toEqual(["0/0", "0/1", "0/2", "1/0"]);
    await gw.stop();
    gw = undefined;

    // The log as the previous release stored it: one row per node, about two per event.
    await withMigrations(database.url, async (dataSource) => {
      // This migration and every later one undone, newest first.
      for (let i = MIGRATIONS.indexOf(AuditTreeTiles1764800000000); i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: "each" });
      expect(await dataSource.query("SELECT 1 FROM audit_tree_nodes WHERE level = 9")).toHaveLength(1);
      const [nodes] = await dataSource.query("SELECT COUNT(*) AS n FROM audit_tree_nodes");
      expect(Number(nodes.n)).toBeGreaterThan(1100);
      await expect(dataSource.query("DELETE FROM audit_tree_nodes")).rejects.toThrow(/append-only/);
      await dataSource.runMigrations({ transaction: "each" });
      expect(await dataSource.query("SELECT 1 FROM audit_tree_tiles")).toHaveLength(before.length);
      expect(await tiles(dataSource)).toEqual(before);
      expect(await dataSource.query("SELECT 1 FROM schema_migrations WHERE name = 'AuditTreeTiles1764800000000'")).toHaveLength(1);
    });

    gw = await startTestGateway({ database });
    const leaves = before.filter((row) => row.level === 0).reduce((sum, row) => sum + row.hashes.length / 64, 0);
    expect(leaves).toBeGreaterThanOrEqual(600);
    expect(await verifyAuditLog(gw.dataSource, gw.gateway.auditKey, { full: true })).toMatchObject({ ok: true, treeSize: leaves });
    expect(await verify(gw)).toMatchObject({ ok: true });
    await writeEvents(gw, 100);
    expect(await verifyAuditLog(gw.dataSource, gw.gateway.auditKey, { full: true })).toMatchObject({ ok: true });
    expect((await tiles(gw.dataSource)).find((row) => row.level === 0 && row.tile_index === 2)?.hashes.length).toBeGreaterThanOrEqual((700 - 512) * 64);
  });
});
