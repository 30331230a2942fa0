import { generateKeyPairSync, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataSource } from "typeorm";
import { ENTRY_LINE } from "../src/audit/audit-batch";
import { AUDIT_EVENT_SELECT, type AuditEventRow } from "../src/audit/audit-event-rows";
import { createAuditLog } from "../src/audit/audit-log";
import { verifyAuditLog } from "../src/audit/audit-verify";
import { chainLink, eventHashV1, GENESIS_HASH } from "../src/audit/legacy-seal-chain";
import { verifyInclusion } from "../src/audit/merkle";
import { createDataSource, dataSourceOptions } from "../src/db/data-source";
import { migrate } from "../src/db/migrate";
import { MIGRATIONS } from "../src/db/migrations";
import { VerifiableAuditLog1764400000000 } from "../src/db/migrations/1764400000000-VerifiableAuditLog";
import { AuditTreeTiles1764800000000 } from "../src/db/migrations/1764800000000-AuditTreeTiles";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { runCommand } from "./support/cli";
import { startTestGateway, testAuditKeyPem, type TestGateway } from "./support/gateway";
import { auditGet, eventsWhere, integrate, integratedLeaves, pendingBatchCount, verify } from "./audit.support";

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
    const leaves = (await integratedLeaves(gw)).slice(0, 4);
    expect(leaves.map((leaf) => leaf.eventId)).toEqual(legacy.ids);
    expect(await verify(gw)).toMatchObject({ ok: true });
  });

  it("when the old log fills more than one of the migration's batches, then every old event is integrated in its old order, and the log verifies", async () => {
    const legacy = await legacyDatabase(1_100, 1_100);
    database = legacy.database;
    gw = await startTestGateway({ database });
    await integrate(gw);
    expect((await integratedLeaves(gw)).slice(0, 1_100).map((leaf) => leaf.eventId)).toEqual(legacy.ids);
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

/** `dealer-gateway migrate` on the database, with AUDIT_SIGNING_KEY set to `auditKeyPem`. */
async function migrateWithCli(url: string, auditKeyPem: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-migrate-"));
  try {
    expect(await runCommand(["migrate"], { DATABASE_URL: url, DATA_DIR: dataDir, AUDIT_SIGNING_KEY: auditKeyPem })).toMatchObject({ code: 0 });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("the old events signed by the migration that queues them", () => {
  it("when `dealer-gateway migrate` moves the old log, then it signs the old events with the audit key of its environment, which a gateway holding that key integrates", async () => {
    const legacy = await legacyDatabase(3, 3);
    database = legacy.database;
    await migrateWithCli(database.url, testAuditKeyPem());
    gw = await startTestGateway({ database });
    expect(await integrate(gw)).toBeGreaterThanOrEqual(3);
    expect((await integratedLeaves(gw)).slice(0, 3).map((leaf) => leaf.eventId)).toEqual(legacy.ids);
    expect(await verify(gw)).toMatchObject({ ok: true });
  });

  it("when the old log was migrated under another audit key, then the gateway's integrator leaves its batches out and verify says signature", async () => {
    const legacy = await legacyDatabase(3, 3);
    database = legacy.database;
    await migrateWithCli(database.url, generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString());
    gw = await startTestGateway({ database });
    expect(await integrate(gw)).toBe(0);
    expect(await integratedLeaves(gw)).toEqual([]);
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "signature", firstBadEventId: legacy.ids[0] });
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

describe("an event's leaf moved from a row of its own into its write batch", () => {
  it("when a log with one leaf row per event is migrated, then every event keeps its leaf, pending batches stay pending, and the log verifies in full and grows on", async () => {
    database = await createTestDatabase();
    gw = await startTestGateway({ database });
    await writeEvents(gw, 600);
    const key = gw.gateway.auditKey;
    const clock = gw.clock.read;
    await gw.stop();
    gw = undefined;
    let leavesBefore: { leafIndex: number; eventId: string }[] = [];
    let pendingIds: string[] = [];

    await withMigrations(database.url, async (dataSource) => {
      leavesBefore = (await integratedLeaves({ dataSource })).map(({ leafIndex, eventId }) => ({ leafIndex, eventId }));
      // Written and signed, not integrated: these batches must come through the migration still pending.
      const audit = createAuditLog(dataSource, clock, key, { batch: true, maxBatch: 10 });
      for (let batch = 0; batch < 3; batch++) {
        const requestIds = Array.from({ length: 10 }, (_, i) => `pending-${batch}-${i}`);
        await Promise.all(requestIds.map((requestId) =>
          audit.record({ actorType: "system", actorId: "leaves-test", action: "test.pending", decision: "allow", status: 200, requestId, ip: "127.0.0.1" })));
        pendingIds.push(...requestIds);
      }
      // The log as the previous release stored it: this migration undone.
      await dataSource.undoLastMigration({ transaction: "each" });
      const rows: { leaf_index: number | string; event_id: string }[] = await dataSource.query("SELECT leaf_index, event_id FROM audit_leaves ORDER BY leaf_index");
      expect(rows.map((row) => ({ leafIndex: Number(row.leaf_index), eventId: row.event_id }))).toEqual(leavesBefore);
      expect(await dataSource.query("SELECT batch_id FROM audit_pending")).toHaveLength(3);
      await expect(dataSource.query("DELETE FROM audit_leaves")).rejects.toThrow(/append-only/);
      await dataSource.runMigrations({ transaction: "each" });
      expect(await dataSource.query("SELECT 1 FROM schema_migrations WHERE name = 'AuditLeavesByBatch1765000000000'")).toHaveLength(1);
    });

    gw = await startTestGateway({ database });
    expect((await integratedLeaves(gw)).map(({ leafIndex, eventId }) => ({ leafIndex, eventId }))).toEqual(leavesBefore);
    const migrated: { key_id: string; entries: string }[] = await gw.dataSource.query("SELECT key_id, entries FROM audit_batches WHERE first_leaf IS NOT NULL");
    expect(new Set(migrated.map((batch) => batch.key_id))).toEqual(new Set(["migrated"]));
    expect(Math.max(...migrated.map((batch) => batch.entries.length / ENTRY_LINE))).toBe(256);
    expect(await pendingBatchCount(gw)).toBe(3);
    expect(await gw.dataSource.query("SELECT id FROM audit_events WHERE batch_id IS NULL")).toEqual([]);
    await integrate(gw);
    expect(await verifyAuditLog(gw.dataSource, gw.gateway.auditKey, { full: true })).toMatchObject({ ok: true });
    // An old event and one that was pending during the migration each prove their place against the latest checkpoint.
    const [pending] = await eventsWhere<{ id: string }>(gw, "request_id = ?", [pendingIds[0]]);
    for (const id of [leavesBefore[300]!.eventId, pending!.id]) {
      const proof = (await auditGet(gw, `/v1/audit/events/${id}/proof`)).body;
      const [checkpoint]: { root_hash: string }[] = await gw.dataSource.query("SELECT root_hash FROM audit_checkpoints WHERE tree_size = ?", [proof.treeSize]);
      const hashes = proof.inclusionProof.map((hash: string) => Buffer.from(hash, "base64"));
      expect(verifyInclusion(proof.leafIndex, proof.treeSize, Buffer.from(proof.leafHash, "base64"), hashes, Buffer.from(checkpoint!.root_hash, "hex"))).toBe(true);
    }
    await writeEvents(gw, 100);
    expect(await verifyAuditLog(gw.dataSource, gw.gateway.auditKey, { full: true })).toMatchObject({ ok: true });
  });
});
