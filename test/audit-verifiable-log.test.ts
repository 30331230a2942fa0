import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { batchEntries, BATCH_INSERT, signBatch } from "../src/audit/audit-batch";
import { AUDIT_EVENT_SELECT, publicAuditEvent, type AuditEventRow } from "../src/audit/audit-event-rows";
import { integrateAuditLog } from "../src/audit/audit-integrator";
import { createAuditLog } from "../src/audit/audit-log";
import { generateAuditKey } from "../src/audit/audit-key";
import { eventLeafHash } from "../src/audit/audit-leaf";
import { verifyAuditLog } from "../src/audit/audit-verify";
import { verifyConsistency, verifyInclusion } from "../src/audit/merkle";
import { TILE_WIDTH } from "../src/audit/merkle-tiles";
import { leafNodeHashes } from "../src/audit/audit-tree-store";
import { openNote, parseCheckpointText, parseVerifierKey } from "../src/audit/signed-note";
import { withDatabaseLock } from "../src/db/database-lock";
import { createDataSource } from "../src/db/data-source";
import { createLogger } from "../src/ops/logger";
import { runCommand } from "./support/cli";
import { createTestDatabase } from "./support/databases";
import { startTestGateway, testAuditKeyPem, type TestGateway } from "./support/gateway";
import { countRows } from "./support/db-state";
import { captureLogs } from "./support/log-capture";
import { auditGet, auditor, dropTriggers, eventsWhere, integrate, integratedLeaves, leafOf, pendingBatchCount, verify, writeEvent } from "./audit.support";

const INTEGRITY_TABLES = ["audit_batches", "audit_tree_tiles", "audit_checkpoints", "audit_verified_marks"];

const gateways: TestGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0).reverse()) await gateway.stop();
});

async function gateway(options: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
  const started = await startTestGateway(options);
  gateways.push(started);
  return started;
}

/** A gateway whose log holds a login, a refused login and a few written events, all integrated. */
async function busyGateway(options: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
  const gw = await gateway(options);
  await gw.adminToken();
  await gw.http.post("/v1/auth/login").send({ username: "admin", password: "wrong-password-1" }).expect(401);
  for (let i = 0; i < 5; i++) await writeEvent(gw, { action: "test.event", customerId: randomUUID(), fields: ["name"], detail: { n: i, note: "é ✓" } });
  await integrate(gw);
  return gw;
}

const b64 = (text: string) => Buffer.from(text, "base64");

async function checkpointJson(gw: TestGateway) {
  const response = await auditGet(gw, "/v1/audit/checkpoint", 200, { Accept: "application/json" });
  return response.body as { origin: string; treeSize: number; rootHash: string; note: string; verifierKey: string };
}

/** What a rogue DBA does: plain SQL, with the append-only triggers dropped first. */
async function asDba(gw: TestGateway, sql: string, params: unknown[] = []): Promise<void> {
  for (const table of ["audit_events", ...INTEGRITY_TABLES]) await dropTriggers(gw, table);
  await gw.dataSource.query(sql, params);
}

/** What a DBA rolling the tree back to `size` leaves does to its tiles: each keeps only the hashes of nodes within the first `size` leaves. */
async function truncateTiles(gw: TestGateway, size: number): Promise<void> {
  const tiles: { level: number | string; tile_index: number | string; hashes: string }[] = await gw.dataSource.query("SELECT level, tile_index, hashes FROM audit_tree_tiles");
  for (const tile of tiles) {
    const nodes = Math.floor(size / TILE_WIDTH ** Number(tile.level));
    const keep = Math.max(0, Math.min(TILE_WIDTH, nodes - Number(tile.tile_index) * TILE_WIDTH));
    const where = [tile.level, tile.tile_index];
    if (keep === 0) await gw.dataSource.query("DELETE FROM audit_tree_tiles WHERE level = ? AND tile_index = ?", where);
    else await gw.dataSource.query("UPDATE audit_tree_tiles SET hashes = ? WHERE level = ? AND tile_index = ?", [tile.hashes.slice(0, keep * 64), ...where]);
  }
}

const newestEvent = async (gw: TestGateway) => (await eventsWhere<{ id: string }>(gw, "1 = 1")).at(-1)!.id;

describe("the audit log as a Merkle tree", () => {
  it("when events are integrated, then the checkpoint is a signed note over the tree of every event, and verify covers them all", async () => {
    const gw = await busyGateway();
    const committedBefore = await countRows(gw, "audit_events");
    const checkpoint = await checkpointJson(gw);
    const text = openNote(checkpoint.note, parseVerifierKey(checkpoint.verifierKey));
    expect(text).not.toBeNull();
    expect(parseCheckpointText(text!)).toEqual({ origin: checkpoint.origin, treeSize: checkpoint.treeSize, rootHash: b64(checkpoint.rootHash) });
    // The checkpoint request's own event may be integrated, by the timer, before or after the checkpoint is read.
    expect(checkpoint.treeSize).toBeGreaterThanOrEqual(committedBefore);
    expect(checkpoint.treeSize).toBeLessThanOrEqual(committedBefore + 1);
    expect((await integratedLeaves(gw)).length).toBeGreaterThanOrEqual(checkpoint.treeSize);
    const plain = await auditGet(gw, "/v1/audit/checkpoint", 200, { Accept: "text/plain" });
    expect(plain.headers["content-type"]).toMatch(/^text\/plain/);
    expect(plain.text).toMatch(/^dealer-gateway\/audit-log\n\d+\n[A-Za-z0-9+/]{43}=\n\n\u2014 dealer-gateway\/audit-log [A-Za-z0-9+/]+=*\n$/);
    const result = await verify(gw);
    expect(result).toMatchObject({ ok: true });
    // Everything committed before the call is covered, the verify call's own audit event included.
    expect(result.checked).toBe(await countRows(gw, "audit_events"));
  });

  it("when events are written, then each is signed in its write transaction and integrated within a second", async () => {
    const gw = await gateway();
    await writeEvent(gw, { action: "test.young" });
    expect(await pendingBatchCount(gw)).toBeGreaterThan(0);
    const deadline = Date.now() + 3000;
    while ((await pendingBatchCount(gw)) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await pendingBatchCount(gw)).toBe(0);
    expect((await integratedLeaves(gw)).length).toBe(await countRows(gw, "audit_events"));
  });

  it("when an inclusion proof is asked for, then it verifies against the checkpoint's root, and a flipped byte does not", async () => {
    const gw = await busyGateway();
    const checkpoint = await checkpointJson(gw);
    const [event] = await eventsWhere<AuditEventRow>(gw, "action = 'test.event'");
    // At the checkpoint's size: the integrator may sign a newer one meanwhile (the checkpoint request is audited too).
    const proof = (await auditGet(gw, `/v1/audit/events/${event!.id}/proof?treeSize=${checkpoint.treeSize}`)).body;
    expect(proof).toMatchObject({ eventId: event!.id, treeSize: checkpoint.treeSize });
    expect(b64(proof.leafHash)).toEqual(eventLeafHash(publicAuditEvent(event!)));
    const hashes = proof.inclusionProof.map(b64);
    const root = b64(checkpoint.rootHash);
    expect(verifyInclusion(proof.leafIndex, proof.treeSize, b64(proof.leafHash), hashes, root)).toBe(true);
    for (let i = 0; i < hashes.length; i++) {
      const flipped = hashes.map((hash: Buffer, j: number) => (i === j ? Buffer.from(hash.map((byte, k) => (k === 5 ? byte ^ 1 : byte))) : hash));
      expect(verifyInclusion(proof.leafIndex, proof.treeSize, b64(proof.leafHash), flipped, root)).toBe(false);
    }
    const earlier = (await auditGet(gw, `/v1/audit/events/${event!.id}/proof?treeSize=${proof.leafIndex + 1}`)).body;
    expect(earlier.treeSize).toBe(proof.leafIndex + 1);
    await auditGet(gw, `/v1/audit/events/${event!.id}/proof?treeSize=${proof.leafIndex}`, 404);
    await auditGet(gw, `/v1/audit/events/${randomUUID()}/proof`, 404);
    await auditGet(gw, `/v1/audit/events/${event!.id}/proof?treeSize=${checkpoint.treeSize + 1_000_000}`, 400);
    await auditGet(gw, `/v1/audit/events/${event!.id}/proof?treeSize=-1`, 400);
  });

  it("when a consistency proof is asked for between two checkpoints, then it verifies, and not against another root", async () => {
    const gw = await busyGateway();
    const first = await checkpointJson(gw);
    for (let i = 0; i < 3; i++) await writeEvent(gw, { action: "test.later" });
    await integrate(gw);
    const second = await checkpointJson(gw);
    const body = (await auditGet(gw, `/v1/audit/consistency?from=${first.treeSize}&to=${second.treeSize}`)).body;
    expect(body).toMatchObject({ from: first.treeSize, to: second.treeSize });
    const proof = body.proof.map(b64);
    expect(verifyConsistency(first.treeSize, second.treeSize, b64(first.rootHash), b64(second.rootHash), proof)).toBe(true);
    expect(verifyConsistency(first.treeSize, second.treeSize, b64(second.rootHash), b64(second.rootHash), proof)).toBe(false);
    await auditGet(gw, `/v1/audit/consistency?from=${second.treeSize + 1_000_000}`, 400);
    await auditGet(gw, `/v1/audit/consistency?from=${second.treeSize}&to=${first.treeSize}`, 400);
    await auditGet(gw, "/v1/audit/consistency", 400);
  });

  it.each(INTEGRITY_TABLES)("when anyone updates or deletes %s, then the database refuses", async (table) => {
    const gw = await busyGateway();
    await verify(gw);
    const before = await countRows(gw, table);
    const column = { audit_batches: "entries", audit_tree_tiles: "hashes", audit_checkpoints: "note", audit_verified_marks: "signature" }[table];
    await expect(gw.dataSource.query(`UPDATE ${table} SET ${column} = 'x'`)).rejects.toThrow(/append-only/);
    await expect(gw.dataSource.query(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
    expect(await countRows(gw, table)).toBe(before);
  });

  it("when anyone moves an integrated batch to other leaves or rewrites a pending one, then the database refuses, and lets a pending batch be given its first leaf", async () => {
    const gw = await busyGateway();
    const [leaf] = await integratedLeaves(gw);
    // Signed by another key, so that no integrator takes it while the test runs.
    const pending = signBatch(generateAuditKey(), [{ id: randomUUID(), leaf: Buffer.alloc(32) }], "2026-06-01T10:00:00.000Z");
    await gw.dataSource.query(BATCH_INSERT, pending);
    for (const [sql, params] of [
      ["UPDATE audit_batches SET first_leaf = first_leaf + 1 WHERE batch_id = ?", [leaf!.batchId]],
      ["UPDATE audit_batches SET first_leaf = NULL WHERE batch_id = ?", [leaf!.batchId]],
      ["UPDATE audit_batches SET entries = '' WHERE batch_id = ?", [pending[0]]],
      ["UPDATE audit_batches SET first_leaf = 0, signature = '' WHERE batch_id = ?", [pending[0]]],
    ] as const) await expect(gw.dataSource.query(sql, [...params])).rejects.toThrow(/append-only/);
    await gw.dataSource.query("UPDATE audit_batches SET first_leaf = ? WHERE batch_id = ?", [1_000_000, pending[0]]);
    const [row]: { first_leaf: number | string }[] = await gw.dataSource.query("SELECT first_leaf FROM audit_batches WHERE batch_id = ?", [pending[0]]);
    expect(Number(row!.first_leaf)).toBe(1_000_000);
  });
});

describe("a rogue database administrator", () => {
  it("when the newest event is edited right after the request that wrote it, then verify says changed", async () => {
    const gw = await busyGateway();
    await verify(gw);
    const response = await gw.http.post("/v1/auth/login").send({ username: "admin", password: "wrong-password-2" }).expect(401);
    const [event] = await eventsWhere<{ id: string }>(gw, "request_id = ?", [response.headers["x-request-id"]]);
    await asDba(gw, "UPDATE audit_events SET decision = 'allow' WHERE id = ?", [event!.id]);
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "changed", firstBadEventId: event!.id });
    // The integrator signs into the tree the leaf that was signed at write, not the edited event, and verification still names it.
    await integrate(gw);
    const index = (await leafOf(gw, event!.id))!;
    const stored = (await leafNodeHashes(gw.dataSource, index, index + 1)).get(index);
    const [edited] = await gw.dataSource.query(`SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE id = ?`, [event!.id]) as AuditEventRow[];
    expect(stored?.toString("hex")).toBe(eventLeafHash(publicAuditEvent({ ...edited!, decision: "deny" })).toString("hex"));
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "changed", firstBadEventId: event!.id });
  });

  it("when an integrated event is edited, then a full verification names it", async () => {
    const gw = await busyGateway();
    const [event] = await eventsWhere<{ id: string }>(gw, "action = 'test.event'");
    await asDba(gw, "UPDATE audit_events SET reason = 'rewritten' WHERE id = ?", [event!.id]);
    expect(await verifyAuditLog(gw.dataSource, gw.gateway.auditKey, { full: true })).toMatchObject({ ok: false, problem: "changed", firstBadEventId: event!.id });
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "changed", firstBadEventId: event!.id });
  });

  it("when the log spans more pages than verification reads ahead, then a full verification covers every leaf and names an edit on its last page", async () => {
    const gw = await gateway();
    const log = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey);
    const written = 6_500;
    for (let i = 0; i < written; i += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, j) =>
        log.record({ actorType: "system", actorId: "test", action: "test.paged", decision: "allow", status: i + j, requestId: "req-paged", ip: "127.0.0.1" })));
    }
    await integrate(gw);
    const full = await verifyAuditLog(gw.dataSource, gw.gateway.auditKey, { full: true });
    expect(full).toMatchObject({ ok: true });
    expect(full.checked).toBeGreaterThanOrEqual(written);
    expect(full.treeSize).toBe(full.checked);
    const last = (await integratedLeaves(gw)).at(-1)!;
    await asDba(gw, "UPDATE audit_events SET reason = 'rewritten' WHERE id = ?", [last.eventId]);
    expect(await verifyAuditLog(gw.dataSource, gw.gateway.auditKey, { full: true })).toMatchObject({ ok: false, problem: "changed", firstBadEventId: last.eventId });
  }, 60_000);

  it("when an old event is edited, every integrity table wiped, and everything re-signed with another key, then verify says signature", async () => {
    const database = await createTestDatabase();
    const gw = await busyGateway({ database });
    expect(await verify(gw)).toMatchObject({ ok: true });
    const [event] = await eventsWhere<{ id: string }>(gw, "action = 'test.event'");
    await asDba(gw, "UPDATE audit_events SET action = 'test.harmless' WHERE id = ?", [event!.id]);
    for (const table of INTEGRITY_TABLES) await gw.dataSource.query(`DELETE FROM ${table}`);
    // The forger runs a gateway of their own on the same database, with a key of their own.
    const forgerKey = generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const forger = await gateway({ database, env: { AUDIT_SIGNING_KEY: forgerKey } });
    const rows = await eventsWhere<AuditEventRow>(gw, "1 = 1");
    const events = rows.map((row) => ({ id: row.id, leaf: eventLeafHash(publicAuditEvent(row)) }));
    const batch = signBatch(forger.gateway.auditKey, events, "2026-06-01T10:00:00.000Z");
    await forger.dataSource.query(BATCH_INSERT, batch);
    await forger.dataSource.query("UPDATE audit_events SET batch_id = ?", [batch[0]]);
    await integrateAuditLog({ dataSource: forger.dataSource, key: forger.gateway.auditKey, clock: forger.clock.read, logger: createLogger("silent") }, 10);
    expect(await verify(forger)).toMatchObject({ ok: true });
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "signature" });
    expect(await verifyAuditLog(gw.dataSource, gw.gateway.auditKey, { full: true })).toMatchObject({ ok: false, problem: "signature" });
    await database.drop();
  });

  it("when an old event is edited, every integrity table wiped, and the events given unsigned batches as a log upgraded from the hash chain, then the gateway's own integrator refuses them and verify says signature", async () => {
    const gw = await busyGateway();
    const [event] = await eventsWhere<{ id: string }>(gw, "action = 'test.event'");
    await asDba(gw, "UPDATE audit_events SET action = 'test.harmless' WHERE id = ?", [event!.id]);
    for (const table of INTEGRITY_TABLES) await gw.dataSource.query(`DELETE FROM ${table}`);
    await gw.dataSource.query("UPDATE audit_events SET batch_id = NULL");
    // An empty tree and batches as the migration from the hash chain once queued them: key id "legacy", no signature.
    const rows = await eventsWhere<AuditEventRow>(gw, "1 = 1");
    const entries = batchEntries(rows.map((row) => ({ id: row.id, leaf: eventLeafHash(publicAuditEvent(row)) })));
    await gw.dataSource.query(BATCH_INSERT, ["00000000-0000-4000-8000-000000000001", "0000-legacy-000000000001", "legacy", entries, "", null]);
    expect(await integrate(gw)).toBe(0);
    expect(await countRows(gw, "audit_checkpoints")).toBe(0);
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "signature", firstBadEventId: rows[0]!.id });
  });

  const requestsToDelete = {
    "a refused sign-in (written in a transaction of its own)": (gw: TestGateway) =>
      gw.http.post("/v1/auth/login").send({ username: "admin", password: "wrong-password-2" }).expect(401),
    "a dealer's registration (written in the registration's transaction)": async (gw: TestGateway) =>
      gw.http.post("/v1/admin/dealers").set({ Authorization: `Bearer ${await gw.adminToken()}` }).send({ name: "Maison Éphémère", country: "FR" }).expect(201),
  };

  it.each(Object.entries(requestsToDelete))("when the event of %s is deleted with its whole write batch before integration, then the process that wrote it finds the batch gone: it logs it, and its verify says deleted", async (_, request) => {
    const logs = captureLogs("warn");
    const database = await createTestDatabase();
    const gw = await busyGateway({ database, logger: logs.logger });
    let doomed: { id: string; batch_id: string } | undefined;
    // Integration waits its turn while the DBA works, as if the DBA were quicker than the next round.
    await withDatabaseLock(gw.dataSource, "audit_integrate", 10, async () => {
      const response = await request(gw);
      [doomed] = await eventsWhere<{ id: string; batch_id: string }>(gw, "request_id = ?", [response.headers["x-request-id"]]);
      await asDba(gw, "DELETE FROM audit_events WHERE batch_id = ?", [doomed!.batch_id]);
      await gw.dataSource.query("DELETE FROM audit_batches WHERE batch_id = ?", [doomed!.batch_id]);
    });
    // The database alone no longer shows anything: another process verifies it as intact.
    const elsewhere = createDataSource(database.url, 2);
    await elsewhere.initialize();
    try {
      expect(await verifyAuditLog(elsewhere, gw.gateway.auditKey)).toMatchObject({ ok: true });
    } finally {
      await elsewhere.destroy();
    }
    const deadline = Date.now() + 10_000;
    let result = await verify(gw);
    while (result.ok && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      result = await verify(gw);
    }
    expect(result).toMatchObject({ ok: false, problem: "deleted", firstBadEventId: doomed!.id });
    expect(logs.entries()).toContainEqual(expect.objectContaining({ level: 50, batchId: doomed!.batch_id, firstEventId: doomed!.id }));
    await gw.stop();
    gateways.splice(gateways.indexOf(gw), 1);
    await database.drop();
  });

  it("when a process stops while another holds the integration lock, then it waits its turn and integrates the batch it wrote before it goes: none is left pending with nobody watching it", async () => {
    const database = await createTestDatabase();
    const gw = await busyGateway({ database });
    const elsewhere = createDataSource(database.url, 2);
    await elsewhere.initialize();
    let written: { id: string } | undefined;
    let stopped: Promise<void> | undefined;
    try {
      await withDatabaseLock(elsewhere, "audit_integrate", 10, async () => {
        const response = await gw.http.post("/v1/auth/login").send({ username: "admin", password: "wrong-password-3" }).expect(401);
        [written] = await eventsWhere<{ id: string }>(gw, "request_id = ?", [response.headers["x-request-id"]]);
        gateways.splice(gateways.indexOf(gw), 1);
        stopped = gw.stop();
        // Longer than the timer's interval: had a tick integrated, it would have needed this lock.
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        expect(await leafOf({ dataSource: elsewhere }, written!.id)).toBeUndefined();
      });
      await stopped;
      expect(await leafOf({ dataSource: elsewhere }, written!.id)).toEqual(expect.any(Number));
      expect(await verifyAuditLog(elsewhere, gw.gateway.auditKey)).toMatchObject({ ok: true });
    } finally {
      await elsewhere.destroy();
      await database.drop();
    }
  });

  it("when the newest events are rolled back with their tree, then a held checkpoint and the witness file each say inconsistent", async () => {
    const database = await createTestDatabase();
    const witnessDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-witness-"));
    const witness = path.join(witnessDir, "checkpoints.ndjson");
    const gw = await busyGateway({ database, env: { AUDIT_WITNESS_FILE: witness } });
    const before = await checkpointJson(gw);
    for (let i = 0; i < 4; i++) await writeEvent(gw, { action: "test.to_roll_back" });
    await integrate(gw);
    const held = await checkpointJson(gw);
    expect(held.treeSize).toBeGreaterThan(before.treeSize);
    expect(fs.readFileSync(witness, "utf8")).toContain(JSON.stringify(held.note).slice(1, -1));
    await gw.gateway.stop();
    gateways.splice(gateways.indexOf(gw), 1);

    // The DBA rolls the log back to `before`: the newest events and every trace of them in the tree.
    const dba = await gateway({ database });
    await asDba(dba, "DELETE FROM audit_checkpoints WHERE tree_size > ?", [before.treeSize]);
    await dba.dataSource.query("DELETE FROM audit_batches WHERE first_leaf IS NULL OR first_leaf >= ?", [before.treeSize]);
    await truncateTiles(dba, before.treeSize);
    const kept = new Set((await integratedLeaves(dba)).map((leaf) => leaf.eventId));
    const events = await eventsWhere<{ id: string }>(dba, "1 = 1");
    for (const { id } of events.filter((event) => !kept.has(event.id))) await dba.dataSource.query("DELETE FROM audit_events WHERE id = ?", [id]);
    await dba.gateway.stop();
    gateways.splice(gateways.indexOf(dba), 1);

    // A fresh process without the witness sees a log that is consistent in itself...
    const fresh = await gateway({ database });
    const selfConsistent = await verifyAuditLog(fresh.dataSource, fresh.gateway.auditKey, { full: true });
    expect(selfConsistent).toMatchObject({ ok: true, treeSize: before.treeSize });
    // ...which the held checkpoint and the witness file both refute.
    const posted = await fresh.http.post("/v1/audit/verify").set(await auditor(fresh)).send({ checkpoint: held.note }).expect(200);
    expect(posted.body).toMatchObject({ ok: false, problem: "inconsistent" });
    const witnessed = await gateway({ database, env: { AUDIT_WITNESS_FILE: witness } });
    expect(await verify(witnessed)).toMatchObject({ ok: false, problem: "inconsistent" });
    await fresh.gateway.stop();
    gateways.splice(gateways.indexOf(fresh), 1);
    await witnessed.gateway.stop();
    gateways.splice(gateways.indexOf(witnessed), 1);
    await database.drop();
    fs.rmSync(witnessDir, { recursive: true, force: true });
  });

  it("when two events swap places in the tree, then verify says changed", async () => {
    const gw = await busyGateway();
    await verify(gw);
    for (let i = 0; i < 2; i++) await writeEvent(gw, { action: "test.swapped", detail: { n: i } });
    await integrate(gw);
    const [b, a] = (await integratedLeaves(gw)).slice(-2);
    // Each id written where the other was, in whichever batches' entries hold them.
    for (const batchId of new Set([a!.batchId, b!.batchId])) {
      const [{ entries }] = (await gw.dataSource.query("SELECT entries FROM audit_batches WHERE batch_id = ?", [batchId])) as [{ entries: string }];
      const swapped = entries.replace(a!.eventId, "placeholder").replace(b!.eventId, a!.eventId).replace("placeholder", b!.eventId);
      await asDba(gw, "UPDATE audit_batches SET entries = ? WHERE batch_id = ?", [swapped, batchId]);
    }
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "changed", firstBadEventId: a!.eventId });
  });

  it("when an event is slipped in or one is deleted, then verify says inserted or deleted", async () => {
    const gw = await busyGateway();
    const id = randomUUID();
    await asDba(gw, "INSERT INTO audit_events (id, at, actor_type, actor_id, action, decision, status, request_id, ip) VALUES (?, '2026-06-01T10:00:00.000Z', 'system', 'x', 'test.rogue', 'allow', 200, 'rogue', '127.0.0.1')", [id]);
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "inserted", firstBadEventId: id });
    await gw.dataSource.query("DELETE FROM audit_events WHERE id = ?", [id]);
    await writeEvent(gw, { action: "test.pending_then_deleted" });
    const newest = await newestEvent(gw);
    await gw.dataSource.query("DELETE FROM audit_events WHERE id = ?", [newest]);
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "deleted", firstBadEventId: newest });
  });

  it("when an event is slipped in under the id of an integrated batch, then verify, incremental or full, says inserted", async () => {
    const gw = await busyGateway();
    expect(await verify(gw)).toMatchObject({ ok: true });
    const [leaf] = await integratedLeaves(gw);
    const id = randomUUID();
    await asDba(gw, "INSERT INTO audit_events (id, at, actor_type, actor_id, action, decision, status, request_id, ip, batch_id) VALUES (?, '2026-06-01T10:00:00.000Z', 'system', 'x', 'test.rogue', 'allow', 200, 'rogue', '127.0.0.1', ?)", [id, leaf!.batchId]);
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "inserted", firstBadEventId: id });
    expect(await verifyAuditLog(gw.dataSource, gw.gateway.auditKey, { full: true })).toMatchObject({ ok: false, problem: "inserted", firstBadEventId: id });
  });

  it("when an event is slipped in under a forged batch that places it beyond the tree or at an old leaf, then verify says inserted", async () => {
    const gw = await busyGateway();
    expect(await verify(gw)).toMatchObject({ ok: true });
    const { treeSize } = await checkpointJson(gw);
    for (const firstLeaf of [treeSize + 1000, 0]) {
      const [id, batchId] = [randomUUID(), randomUUID()];
      await asDba(gw, "INSERT INTO audit_events (id, at, actor_type, actor_id, action, decision, status, request_id, ip, batch_id) VALUES (?, '2026-06-01T10:00:00.000Z', 'system', 'x', 'test.rogue', 'allow', 200, 'rogue', '127.0.0.1', ?)", [id, batchId]);
      const [row] = await gw.dataSource.query(`SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE id = ?`, [id]) as AuditEventRow[];
      await gw.dataSource.query(
        "INSERT INTO audit_batches (batch_id, created_at, key_id, entries, signature, mac, first_leaf) VALUES (?, '2026-06-01T10:00:00.000Z', 'migrated', ?, '', NULL, ?)",
        [batchId, batchEntries([{ id, leaf: eventLeafHash(publicAuditEvent(row!)) }]), firstLeaf],
      );
      expect(await verify(gw)).toMatchObject({ ok: false, problem: "inserted", firstBadEventId: id });
      await gw.dataSource.query("DELETE FROM audit_batches WHERE batch_id = ?", [batchId]);
      await gw.dataSource.query("DELETE FROM audit_events WHERE id = ?", [id]);
    }
  });

  it("when an event and its pending batch's entries are both rewritten before integration, then the signature no longer matches: the integrator leaves the batch out and verify says signature", async () => {
    const gw = await busyGateway();
    let event: { id: string } | undefined;
    // Integration waits its turn while the DBA works: on a slow database the timer would otherwise take the batch first.
    await withDatabaseLock(gw.dataSource, "audit_integrate", 10, async () => {
      await writeEvent(gw, { action: "test.to_rewrite" });
      [event] = await eventsWhere<{ id: string }>(gw, "action = 'test.to_rewrite'");
      await asDba(gw, "UPDATE audit_events SET decision = 'deny' WHERE id = ?", [event!.id]);
      const [row] = await gw.dataSource.query(`SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE id = ?`, [event!.id]) as AuditEventRow[];
      const [pending]: { batch_id: string; entries: string }[] = await gw.dataSource.query("SELECT batch_id, entries FROM audit_batches WHERE entries LIKE ?", [`%${event!.id}%`]);
      const entries = pending!.entries.replace(new RegExp(`${event!.id} [0-9a-f]{64}`), `${event!.id} ${eventLeafHash(publicAuditEvent(row!)).toString("hex")}`);
      expect(entries).not.toBe(pending!.entries);
      await asDba(gw, "UPDATE audit_batches SET entries = ? WHERE batch_id = ?", [entries, pending!.batch_id]);
    });
    await integrate(gw);
    expect(await leafOf(gw, event!.id)).toBeUndefined();
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "signature" });
  });

  it("when an event is slipped in under an unsigned batch dressed as one the legacy migration queued, then the integrator refuses it and verify says signature", async () => {
    const gw = await busyGateway();
    const id = randomUUID();
    await asDba(gw, "INSERT INTO audit_events (id, at, actor_type, actor_id, action, decision, status, request_id, ip) VALUES (?, '2026-06-01T10:00:00.000Z', 'system', 'x', 'test.rogue', 'allow', 200, 'rogue', '127.0.0.1')", [id]);
    const [row] = await gw.dataSource.query(`SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE id = ?`, [id]) as AuditEventRow[];
    const entries = batchEntries([{ id, leaf: eventLeafHash(publicAuditEvent(row!)) }]);
    // What the migration from the hash chain once wrote: key id "legacy", no signature, a created_at that sorts first.
    await asDba(gw, BATCH_INSERT, [randomUUID(), "0000-legacy-000000000099", "legacy", entries, "", null]);
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "signature" });
    await integrate(gw);
    expect(await leafOf(gw, id)).toBeUndefined();
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "signature" });
  });
});

  it.each([
    ["shortened by a hash", (hashes: string) => hashes.slice(0, -64)],
    ["lengthened by a hash", (hashes: string) => `${hashes}${"ab".repeat(32)}`],
    ["deleted", null],
  ])("when the partly filled tile the next leaves go into is %s, then the integrator stops without a checkpoint, and integrates once it is put back", async (_, rewrite) => {
    const gw = await busyGateway();
    const [tile]: { hashes: string }[] = await gw.dataSource.query("SELECT hashes FROM audit_tree_tiles WHERE level = 0 AND tile_index = 0");
    const checkpoints = await countRows(gw, "audit_checkpoints");
    if (rewrite) await asDba(gw, "UPDATE audit_tree_tiles SET hashes = ? WHERE level = 0 AND tile_index = 0", [rewrite(tile!.hashes)]);
    else await asDba(gw, "DELETE FROM audit_tree_tiles WHERE level = 0 AND tile_index = 0");
    await writeEvent(gw, { action: "test.after_tile_change" });
    await expect(integrate(gw)).rejects.toThrow(/tile 0\/0 does not hold the \d+ hashes the tree needs/);
    expect(await countRows(gw, "audit_checkpoints")).toBe(checkpoints);
    expect(await pendingBatchCount(gw)).toBeGreaterThan(0);
    await gw.dataSource.query("DELETE FROM audit_tree_tiles WHERE level = 0 AND tile_index = 0");
    await gw.dataSource.query("INSERT INTO audit_tree_tiles (level, tile_index, hashes) VALUES (0, 0, ?)", [tile!.hashes]);
    expect(await integrate(gw)).toBe(1);
    expect(await verify(gw)).toMatchObject({ ok: true });
  });

describe("verification continues from its signed mark", () => {
  const marks = async (gw: TestGateway) =>
    (await gw.dataSource.query("SELECT tree_size, seq FROM audit_verified_marks ORDER BY tree_size")) as { tree_size: number | string; seq: number | string }[];

  it("when a process verifies, then it leaves a signed mark from which another process, started later, continues", async () => {
    const database = await createTestDatabase();
    const first = await busyGateway({ database });
    const result = await verify(first);
    expect(result).toMatchObject({ ok: true });
    const [mark] = await marks(first);
    expect(Number(mark!.tree_size)).toBe(result.treeSize);
    await first.gateway.stop();
    gateways.splice(gateways.indexOf(first), 1);
    // An event below the mark, edited now, is not recomputed by the next incremental verification...
    const later = await gateway({ database });
    const [old] = await eventsWhere<{ id: string }>(later, "action = 'test.event'");
    await asDba(later, "UPDATE audit_events SET reason = 'rewritten' WHERE id = ?", [old!.id]);
    for (let i = 0; i < 3; i++) await writeEvent(later, { action: "test.after_mark" });
    await integrate(later);
    expect(await verify(later)).toMatchObject({ ok: true });
    // ...a full one, which starts from the first event, is.
    const full = await runCommand(["verify-audit", "--full"], { DATABASE_URL: database.url, AUDIT_SIGNING_KEY: testAuditKeyPem() });
    expect(full.code).toBe(1);
    expect(full.stdout + full.stderr).toContain(old!.id);
    await later.gateway.stop();
    gateways.splice(gateways.indexOf(later), 1);
    await database.drop();
  });

  it("when the marks are deleted, then the next verification starts from the first event and finds an old change", async () => {
    const gw = await busyGateway();
    expect(await verify(gw)).toMatchObject({ ok: true });
    const [old] = await eventsWhere<{ id: string }>(gw, "action = 'test.event'");
    await asDba(gw, "UPDATE audit_events SET reason = 'rewritten' WHERE id = ?", [old!.id]);
    await gw.dataSource.query("DELETE FROM audit_verified_marks");
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "changed", firstBadEventId: old!.id });
  });

  it("when a mark is forged, or the tree below a mark rewritten, then verify says signature or inconsistent", async () => {
    const gw = await busyGateway();
    expect(await verify(gw)).toMatchObject({ ok: true });
    const latestMark = async () =>
      ((await gw.dataSource.query("SELECT tree_size, seq FROM audit_verified_marks ORDER BY tree_size DESC LIMIT 1")) as { tree_size: number | string; seq: number | string }[])[0]!;
    const mark = await latestMark();
    await asDba(gw, "UPDATE audit_verified_marks SET seq = ? WHERE tree_size = ?", [Number(mark.seq) + 1_000_000, mark.tree_size]);
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "signature" });
    await gw.dataSource.query("UPDATE audit_verified_marks SET seq = ? WHERE tree_size = ?", [mark.seq, mark.tree_size]);
    expect(await verify(gw)).toMatchObject({ ok: true });
    // The mark's tree is read back from the nodes of its right edge: the first leaf, under the largest perfect subtree among them, is rewritten.
    const [tile]: { hashes: string }[] = await gw.dataSource.query("SELECT hashes FROM audit_tree_tiles WHERE level = 0 AND tile_index = 0");
    await gw.dataSource.query("UPDATE audit_tree_tiles SET hashes = ? WHERE level = 0 AND tile_index = 0", [`${"00".repeat(32)}${tile!.hashes.slice(64)}`]);
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "inconsistent" });
  });

  it("when an event is slipped in after a mark, then verify says inserted", async () => {
    const gw = await busyGateway();
    expect(await verify(gw)).toMatchObject({ ok: true });
    const id = randomUUID();
    await asDba(gw, "INSERT INTO audit_events (id, at, actor_type, actor_id, action, decision, status, request_id, ip) VALUES (?, '2026-06-01T10:00:00.000Z', 'system', 'x', 'test.rogue', 'allow', 200, 'rogue', '127.0.0.1')", [id]);
    expect(await verify(gw)).toMatchObject({ ok: false, problem: "inserted", firstBadEventId: id });
  });
});

describe("several writers", () => {
  it("when two gateway processes write under load, then there is one tree holding every event once, consistent across its checkpoints", async () => {
    const database = await createTestDatabase();
    const a = await gateway({ database });
    const b = await gateway({ database });
    await Promise.all([a, b].flatMap((gw) => Array.from({ length: 30 }, (_, i) =>
      gw.http.post("/v1/auth/login").send({ username: "admin", password: `wrong-password-${i}` }).expect(401))));
    await integrate(a);
    const total = await countRows(a, "audit_events");
    const leaves = await integratedLeaves(a);
    expect(leaves.map((leaf) => leaf.leafIndex)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(new Set(leaves.map((leaf) => leaf.eventId)).size).toBe(total);
    expect(await verify(b)).toMatchObject({ ok: true });
    const checkpoints: { tree_size: number | string; root_hash: string }[] = await a.dataSource.query("SELECT tree_size, root_hash FROM audit_checkpoints ORDER BY tree_size");
    const sample = checkpoints.filter((_, i) => i % Math.ceil(checkpoints.length / 8) === 0 || i === checkpoints.length - 1);
    for (const [i, from] of sample.entries()) {
      for (const to of sample.slice(i + 1)) {
        const body = (await auditGet(a, `/v1/audit/consistency?from=${from.tree_size}&to=${to.tree_size}`)).body;
        const ok = verifyConsistency(Number(from.tree_size), Number(to.tree_size), Buffer.from(from.root_hash, "hex"), Buffer.from(to.root_hash, "hex"), body.proof.map(b64));
        expect({ from: from.tree_size, to: to.tree_size, ok }).toEqual({ from: from.tree_size, to: to.tree_size, ok: true });
      }
    }
    await a.gateway.stop();
    gateways.splice(gateways.indexOf(a), 1);
    await b.gateway.stop();
    gateways.splice(gateways.indexOf(b), 1);
    await database.drop();
  });

  it("when two integrators run at once, then each event is integrated exactly once", async () => {
    const gw = await gateway();
    await Promise.all(Array.from({ length: 40 }, (_, i) => writeEvent(gw, { action: "test.race", detail: { i } })));
    const deps = { dataSource: gw.dataSource, key: gw.gateway.auditKey, clock: gw.clock.read, logger: createLogger("silent") };
    await Promise.all([integrateAuditLog(deps, 10), integrateAuditLog(deps, 10), integrate(gw)]);
    expect((await integratedLeaves(gw)).length).toBe(await countRows(gw, "audit_events"));
    expect(await verify(gw)).toMatchObject({ ok: true });
  });
});

describe("one audit key per log", () => {
  it("when a second gateway or a command-line run comes with another audit key, then it refuses to start and names the setting", async () => {
    const database = await createTestDatabase();
    const gw = await busyGateway({ database });
    const otherKey = generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    await expect(startTestGateway({ database, env: { AUDIT_SIGNING_KEY: otherKey } })).rejects.toThrow(/AUDIT_SIGNING_KEY/);
    const run = await runCommand(["create-dealer", "--name", "Late boutique", "--country", "FR"], { DATABASE_URL: database.url, AUDIT_SIGNING_KEY: otherKey });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("AUDIT_SIGNING_KEY");
    expect(await countRows(gw, "dealers")).toBe(0);
    expect(await verify(gw)).toMatchObject({ ok: true });
    await gw.gateway.stop();
    gateways.splice(gateways.indexOf(gw), 1);
    await database.drop();
  });
});

describe("offline verification keys", () => {
  it("when a key is generated, then its verifier key names the log's origin", () => {
    const key = generateAuditKey("example.org/audit");
    expect(key.verifierKey).toMatch(/^example\.org\/audit\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
  });
});
