import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Queryable } from "../src/audit/audit-tree-store";
import { createAuditLog, type AuditInput } from "../src/audit/audit-log";
import { generateAuditKey } from "../src/audit/audit-key";
import { WrittenBatches, writtenBatches } from "../src/audit/written-batches";
import { inTransaction } from "../src/db/transaction";
import { useMigratedDatabase } from "./support/migrated-database";

/**
 * What a process remembers of the write batches it committed, checked against a real database: the
 * batch rows are written and removed here by hand, as the writer, the integrator and a DBA would.
 */
const db = useMigratedDatabase();

async function insertBatch(batchId: string, firstLeaf: number | null = null): Promise<void> {
  await db.dataSource.query(
    "INSERT INTO audit_batches (batch_id, created_at, key_id, entries, signature, mac, first_leaf) VALUES (?, '2026-06-01T10:00:00.000Z', 'test', '', '', NULL, ?)",
    [batchId, firstLeaf],
  );
}

async function setFirstLeaf(batchId: string, firstLeaf: number): Promise<void> {
  await db.dataSource.query("UPDATE audit_batches SET first_leaf = ? WHERE batch_id = ?", [firstLeaf, batchId]);
}

/** The database, counting the statements sent to it. */
function counted(): Queryable & { statements: number } {
  const counter = {
    statements: 0,
    query: (sql: string, params?: unknown[]) => {
      counter.statements += 1;
      return db.dataSource.query(sql, params);
    },
  };
  return counter;
}

describe("the write batches a process remembers until it sees them integrated", () => {
  it("when a batch was just written, then the next check does not ask about it, and the one after does", async () => {
    const batches = new WrittenBatches();
    const batchId = randomUUID();
    await insertBatch(batchId);
    batches.remember(batchId, randomUUID());
    const database = counted();
    await batches.check(database);
    expect(database.statements).toBe(0);
    await batches.check(database);
    expect(database.statements).toBe(1);
  });

  it("when a batch stays pending and is then integrated, then it is forgotten without an alarm", async () => {
    const batches = new WrittenBatches();
    const batchId = randomUUID();
    await insertBatch(batchId);
    batches.remember(batchId, randomUUID());
    for (let i = 0; i < 4; i++) expect(await batches.check(db.dataSource)).toEqual({ vanished: [], unchecked: 0 });
    await setFirstLeaf(batchId, 0);
    await batches.check(db.dataSource);
    const database = counted();
    await batches.check(database);
    expect(database.statements).toBe(0);
    expect(batches.vanished()).toEqual([]);
  });

  it("when this process's own integrator reports a batch integrated, then no check asks about it", async () => {
    const batches = new WrittenBatches();
    const batchId = randomUUID();
    batches.remember(batchId, randomUUID());
    batches.integrated([batchId]);
    const database = counted();
    for (let i = 0; i < 3; i++) await batches.check(database);
    expect(database.statements).toBe(0);
    expect(batches.vanished()).toEqual([]);
  });

  it("when a batch is missing on one check and there on the next (a read through a node that had not yet seen the commit), then it is not reported", async () => {
    const batches = new WrittenBatches();
    const batchId = randomUUID();
    batches.remember(batchId, randomUUID());
    await batches.check(db.dataSource);
    expect((await batches.check(db.dataSource)).vanished).toEqual([]);
    await insertBatch(batchId);
    for (let i = 0; i < 3; i++) expect((await batches.check(db.dataSource)).vanished).toEqual([]);
    expect(batches.vanished()).toEqual([]);
  });

  it("when a pending batch is deleted, then the second check that misses it reports it once, with its first event", async () => {
    const batches = new WrittenBatches();
    const [batchId, firstEventId] = [randomUUID(), randomUUID()];
    await insertBatch(batchId);
    batches.remember(batchId, firstEventId);
    await batches.check(db.dataSource);
    await batches.check(db.dataSource);
    await db.dataSource.query("DELETE FROM audit_batches WHERE batch_id = ?", [batchId]).catch(async () => {
      for (const op of ["update", "delete"]) await db.dataSource.query(`DROP TRIGGER IF EXISTS audit_batches_no_${op}`);
      await db.dataSource.query("DELETE FROM audit_batches WHERE batch_id = ?", [batchId]);
    });
    expect((await batches.check(db.dataSource)).vanished).toEqual([]);
    expect((await batches.check(db.dataSource)).vanished).toEqual([{ batchId, firstEventId }]);
    expect((await batches.check(db.dataSource)).vanished).toEqual([]);
    expect(batches.vanished()).toEqual([{ batchId, firstEventId }]);
  });

  it("when more batches wait than a process remembers, then the oldest go unchecked and the next check counts them", async () => {
    const batches = new WrittenBatches();
    const first = randomUUID();
    batches.remember(first, randomUUID());
    for (let i = 0; i < 100_000; i++) batches.remember(randomUUID(), "e");
    const database = counted();
    expect(await batches.check(database)).toEqual({ vanished: [], unchecked: 1 });
    batches.integrated([first]);
    expect(database.statements).toBe(0);
  });
});

describe("the write batches of events written in a caller's transaction", () => {
  const event = (action: string): AuditInput => ({ actorType: "system", actorId: "test", action, decision: "allow", status: 200, requestId: "req-tx", ip: "127.0.0.1" });
  const log = () => createAuditLog(db.dataSource, () => new Date(), generateAuditKey());
  const rolledBack = new Error("the change failed");

  /** Deletes every pending batch, as a DBA would, and returns what the checks of this process then report. */
  async function deletePendingAndCheck(): Promise<unknown[]> {
    for (const op of ["update", "delete"]) await db.dataSource.query(`DROP TRIGGER IF EXISTS audit_batches_no_${op}`);
    await db.dataSource.query("DELETE FROM audit_batches WHERE first_leaf IS NULL");
    const reported: unknown[] = [];
    for (let i = 0; i < 3; i++) reported.push(...(await writtenBatches(db.dataSource).check(db.dataSource)).vanished);
    return reported;
  }

  it("when the transaction commits, then its batch is remembered, and found gone once deleted", async () => {
    await inTransaction(db.dataSource, (manager) => log().record(event("test.committed"), manager));
    const [written] = await db.dataSource.query("SELECT id, batch_id FROM audit_events WHERE action = 'test.committed'");
    expect(await deletePendingAndCheck()).toEqual([{ batchId: written.batch_id, firstEventId: written.id }]);
  });

  it("when the transaction rolls back, then its batch is forgotten, even when the connection's next transaction commits: no false alarm", async () => {
    await expect(inTransaction(db.dataSource, async (manager) => {
      await log().record(event("test.rolled_back"), manager);
      throw rolledBack;
    })).rejects.toBe(rolledBack);
    expect(await db.dataSource.query("SELECT id FROM audit_events WHERE action = 'test.rolled_back'")).toEqual([]);
    await inTransaction(db.dataSource, (manager) => log().record(event("test.after_rollback"), manager));
    const [written] = await db.dataSource.query("SELECT id, batch_id FROM audit_events WHERE action = 'test.after_rollback'");
    expect(await deletePendingAndCheck()).toEqual([{ batchId: written.batch_id, firstEventId: written.id }]);
  });

  it("when a savepoint is released and the transaction around it then rolls back, then the batch is forgotten: the release is no commit", async () => {
    await expect(inTransaction(db.dataSource, async (manager) => {
      await manager.transaction((inner) => log().record(event("test.in_savepoint"), inner));
      throw rolledBack;
    })).rejects.toBe(rolledBack);
    expect(await db.dataSource.query("SELECT id FROM audit_events WHERE action = 'test.in_savepoint'")).toEqual([]);
    expect(await deletePendingAndCheck()).toEqual([]);
  });
});
