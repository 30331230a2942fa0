import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEntries } from "../src/audit/audit-batch";
import { AUDIT_EVENT_SELECT, publicAuditEvent, type AuditEventRow } from "../src/audit/audit-event-rows";
import { eventLeafHash } from "../src/audit/audit-leaf";
import { createAuditLog, type AuditInput } from "../src/audit/audit-log";
import { withDatabaseLock } from "../src/db/database-lock";
import { isMysql } from "../src/db/dialect";
import { AppError } from "../src/http/problem";
import { startTestGateway, type TestGateway } from "./support/gateway";

/**
 * The audit writer groups the events of concurrent requests into one multi-row INSERT signed as one
 * batch, and a caller's record() settles only with that write: committed, or the 503 for every caller
 * in the batch. Batches are observed as the signed rows they leave in `audit_batches`.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

const event = (action: string): AuditInput => ({
  actorType: "system", actorId: "audit-batching-test", action, decision: "allow", status: 200, requestId: randomUUID(), ip: "127.0.0.1",
});

const eventsOf = async (action: string): Promise<{ id: string; request_id: string; fields: string | null; detail: string | null }[]> =>
  gw.dataSource.query("SELECT id, request_id, fields, detail FROM audit_events WHERE action = ? ORDER BY seq", [action]);

/** The integrators wait while a test runs, so that every write batch stays pending in `audit_batches` to be looked at. */
async function withIntegrationHeld<T>(work: () => Promise<T>): Promise<T> {
  const held = await withDatabaseLock(gw.dataSource, "audit_integrate", 30, work);
  if (!held.acquired) throw new Error("could not hold audit integration");
  return held.result;
}

/** How many of `action`'s events each signed write batch carries, in the order the batches were written. */
async function batchSizes(action: string): Promise<number[]> {
  const ids = new Set((await eventsOf(action)).map((row) => row.id));
  const batches: { entries: string }[] = await gw.dataSource.query("SELECT entries FROM audit_batches ORDER BY created_at, batch_id");
  return batches.map((batch) => batch.entries.split("\n").filter((line) => ids.has(line.slice(0, 36))).length).filter((count) => count > 0);
}

/** The database itself refuses audit events of `action`, as it would refuse a write it cannot take. */
async function refuseAction(action: string): Promise<() => Promise<void>> {
  await gw.dataSource.query(isMysql(gw.dataSource)
    ? `CREATE TRIGGER test_refuse_action BEFORE INSERT ON audit_events FOR EACH ROW BEGIN IF NEW.action = '${action}' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'; END IF; END`
    : `CREATE TRIGGER test_refuse_action BEFORE INSERT ON audit_events WHEN NEW.action = '${action}' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
  return async () => {
    await gw.dataSource.query("DROP TRIGGER IF EXISTS test_refuse_action");
  };
}

describe("batched audit writes", () => {
  it("when twenty requests record at once, then one signed batch writes all twenty and each record resolves after it", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey, { batch: true });
    const inputs = Array.from({ length: 20 }, () => event("test.batch_together"));
    await withIntegrationHeld(async () => {
      await Promise.all(inputs.map((input) => audit.record(input)));
      expect(await batchSizes("test.batch_together")).toEqual([20]);
    });
    expect((await eventsOf("test.batch_together")).map((row) => row.request_id)).toEqual(inputs.map((input) => input.requestId));
  });

  it("when events carry empty, nested, odd or absent optional values, then the leaf signed at write is the one a reader recomputes from the stored row", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey, { batch: true });
    const inputs: AuditInput[] = [
      event("test.leaf_as_read"),
      { ...event("test.leaf_as_read"), fields: [], detail: {} },
      { ...event("test.leaf_as_read"), fields: ["name", "email"], detail: { note: "é ✓ \u0000 \"quoted\"", list: [1, null, { deep: true }], skipped: undefined, at: new Date(0) } },
      { ...event("test.leaf_as_read"), dealerId: null, customerId: randomUUID(), purpose: "service_delivery", reason: "no_consent", consentId: undefined, detail: { text: "plain" }, decision: "deny", status: 404 },
      { ...event("test.leaf_as_read"), detail: { numbers: [1.5, -0, 1e21, "🎉"] } },
    ];
    const signed = await withIntegrationHeld(async () => {
      await Promise.all(inputs.map((input) => audit.record(input)));
      const batches: { entries: string }[] = await gw.dataSource.query("SELECT entries FROM audit_batches WHERE first_leaf IS NULL");
      return new Map(batches.flatMap((batch) => parseEntries(batch.entries)!).map((entry) => [entry.id, entry.leaf.toString("hex")]));
    });
    const rows: AuditEventRow[] = await gw.dataSource.query(`SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE action = ?`, ["test.leaf_as_read"]);
    expect(rows).toHaveLength(inputs.length);
    for (const row of rows) expect(signed.get(row.id)).toBe(eventLeafHash(publicAuditEvent(row)).toString("hex"));
  });

  it("when more events wait than one batch may carry, then they are split, none over the limit and none lost", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey, { batch: true, maxBatch: 3 });
    const sizes = await withIntegrationHeld(async () => {
      await Promise.all(Array.from({ length: 10 }, () => audit.record(event("test.batch_split"))));
      return batchSizes("test.batch_split");
    });
    expect(sizes.every((size) => size <= 3)).toBe(true);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(10);
    expect(await eventsOf("test.batch_split")).toHaveLength(10);
  });

  it("when the batch INSERT fails, then every waiting record is rejected with the 503 and nothing is written", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey, { batch: true });
    const allow = await refuseAction("test.batch_failed");
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => audit.record(event("test.batch_failed"))));
    await allow();
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      const reason = (outcome as PromiseRejectedResult).reason as AppError;
      expect(reason).toBeInstanceOf(AppError);
      expect(reason).toMatchObject({ status: 503, code: "unavailable" });
    }
    expect(await eventsOf("test.batch_failed")).toEqual([]);
  });

  it("when a batch has failed, then the next records are written again", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey, { batch: true });
    const allow = await refuseAction("test.batch_recovers");
    await expect(audit.record(event("test.batch_recovers"))).rejects.toMatchObject({ status: 503 });
    await allow();
    await audit.record(event("test.batch_recovers"));
    expect(await eventsOf("test.batch_recovers")).toHaveLength(1);
  });

  it("when fields and detail are recorded, then they are stored as JSON text, absent ones as NULL", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey, { batch: true });
    await Promise.all([
      audit.record({ ...event("test.batch_json"), fields: ["name", "email"], detail: { by: "email", note: "é ✓" } }),
      audit.record(event("test.batch_json")),
    ]);
    const rows = await eventsOf("test.batch_json");
    expect(rows.map((row) => [row.fields, row.detail])).toEqual([['["name","email"]', '{"by":"email","note":"é ✓"}'], [null, null]]);
  });

  it("when a record passes a transaction's manager, then it is written inside that transaction and rolls back with it", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey, { batch: true });
    await withIntegrationHeld(async () => {
      await Promise.all([
        expect(gw.dataSource.transaction(async (manager) => {
          await audit.record(event("test.in_rolled_back_transaction"), manager);
          throw new Error("the change failed");
        })).rejects.toThrow("the change failed"),
        gw.dataSource.transaction((manager) => audit.record(event("test.in_committed_transaction"), manager)),
        audit.record(event("test.beside_the_transactions")),
      ]);
      expect(await eventsOf("test.in_rolled_back_transaction")).toEqual([]);
      expect(await eventsOf("test.in_committed_transaction")).toHaveLength(1);
      // Written on the caller's transaction, in a signed batch of its own, not in the shared one.
      expect(await batchSizes("test.in_committed_transaction")).toEqual([1]);
    });
  });

  it("when the gateway's own audit log records concurrent requests, then it batches on MySQL and writes one by one on SQLite", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey);
    await withIntegrationHeld(async () => {
      await Promise.all(Array.from({ length: 4 }, () => audit.record(event("test.default_batching"))));
      expect(await batchSizes("test.default_batching")).toEqual(isMysql(gw.dataSource) ? [4] : [1, 1, 1, 1]);
    });
    expect(await eventsOf("test.default_batching")).toHaveLength(4);
  });
});
