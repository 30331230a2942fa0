import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { DataSource } from "typeorm";
import { AUDIT_EVENT_SELECT, type AuditEventRow } from "../src/audit/audit-event-rows";
import { createAuditLog } from "../src/audit/audit-log";
import { verifyAuditLog } from "../src/audit/audit-verify";
import { chainLink, eventHashV1, GENESIS_HASH } from "../src/audit/legacy-seal-chain";
import { createDataSource, dataSourceOptions } from "../src/db/data-source";
import { migrate } from "../src/db/migrate";
import { MIGRATIONS } from "../src/db/migrations";
import { VerifiableAuditLog1764400000000 } from "../src/db/migrations/1764400000000-VerifiableAuditLog";
import { AuditTreeTiles1764800000000 } from "../src/db/migrations/1764800000000-AuditTreeTiles";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { integrate, verify } from "./audit.support";

/** A database as the gateway left it before the verifiable log: the migrations before it, events, and a seal chain over the first ones. */
async function legacyDatabase(events: number, sealed: number): Promise<{ database: TestDatabase; ids: string[] }> {
  const database = await createTestDatabase();
  const old = new DataSource({ ...dataSourceOptions(database.url), migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(VerifiableAuditLog1764400000000)) });
  await old.initialize();
  await old.runMigrations({ transaction: "each" });
  const ids = Array.from({ length: events }, () => randomUUID());
  for (const [i, id] of ids.entries()) {
    await old.query(
      "INSERT INTO audit_events (id, at, actor_type, actor_id, action, decision, status, request_id, ip, detail) VALUES (?, ?, 'system', 'legacy', 'test.legacy', 'allow', 200, ?, '127.0.0.1', ?)",
      [id, new Date(Date.parse("2026-05-01T10:00:00.000Z") + i * 1000).toISOString(), `req-${i}`, JSON.stringify({ n: i, note: "é ✓" })],
    );
  }
  const rows: AuditEventRow[] = await old.query(`SELECT ${AUDIT_EVENT_SELECT} FROM audit_events ORDER BY seq`);
  let previous = GENESIS_HASH;
  for (const row of rows.slice(0, sealed)) {
    const hash = eventHashV1(row);
    previous = chainLink(previous, hash);
    await old.query("INSERT INTO audit_seals (event_seq, event_id, event_hash, chain_hash, version, sealed_at) VALUES (?, ?, ?, ?, 1, '2026-05-01T11:00:00.000Z')", [row.seq, row.id, hash, previous]);
  }
  await old.destroy();
  return { database, ids };
}

let gw: TestGateway | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await gw?.stop();
  await database?.drop();
  gw = undefined;
  database = undefined;
});

describe("moving a sealed log into the Merkle tree", () => {
  it("when the old seal chain holds, then the old events become the first leaves, in their old order, and the log verifies", async () => {
    const legacy = await legacyDatabase(4, 3);
    database = legacy.database;
    gw = await startTestGateway({ database });
    await integrate(gw);
    const leaves: { event_id: string }[] = await gw.dataSource.query("SELECT event_id FROM audit_leaves ORDER BY leaf_index LIMIT 4");
    expect(leaves.map((leaf) => leaf.event_id)).toEqual(legacy.ids);
    expect(await verify(gw)).toMatchObject({ ok: true });
  });

  it("when the old log is larger than one integration round, then its events are integrated together, under one first checkpoint", async () => {
    const legacy = await legacyDatabase(1_100, 1_100);
    database = legacy.database;
    gw = await startTestGateway({ database });
    await integrate(gw);
    const [first]: { tree_size: number | string }[] = await gw.dataSource.query("SELECT tree_size FROM audit_checkpoints ORDER BY tree_size LIMIT 1");
    expect(Number(first!.tree_size)).toBe(1_100);
    expect(await verify(gw)).toMatchObject({ ok: true });
  });

  it("when an event was edited under the old chain, then the migration stops and names it, and nothing is queued", async () => {
    const legacy = await legacyDatabase(3, 3);
    database = legacy.database;
    const dataSource = createDataSource(database.url);
    await dataSource.initialize();
    try {
      await dataSource.query("UPDATE audit_events SET action = 'test.rewritten' WHERE id = ?", [legacy.ids[1]]).catch(async () => {
        for (const op of ["update", "delete"]) await dataSource.query(`DROP TRIGGER IF EXISTS audit_events_no_${op}`);
        await dataSource.query("UPDATE audit_events SET action = 'test.rewritten' WHERE id = ?", [legacy.ids[1]]);
      });
      await expect(migrate(dataSource)).rejects.toThrow(new RegExp(`seal chain is broken at event ${legacy.ids[1]} \\(changed\\)`));
      const pending = await dataSource.query("SELECT COUNT(*) AS n FROM audit_pending").catch(() => [{ n: 0 }]);
      expect(Number(pending[0].n)).toBe(0);
    } finally {
      await dataSource.destroy();
    }
  });
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
