import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuditLog, type AuditInput } from "../src/audit/audit-log";
import { isMysql } from "../src/db/dialect";
import { AppError } from "../src/http/problem";
import { startTestGateway, type TestGateway } from "./support/gateway";

/**
 * The audit writer groups the events of concurrent requests into one multi-row INSERT, and a caller's
 * record() settles only with that INSERT: written, or the 503 for every caller in the batch.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const event = (action: string): AuditInput => ({
  actorType: "system", actorId: "audit-batching-test", action, decision: "allow", status: 200, requestId: randomUUID(), ip: "127.0.0.1",
});

/** The audit INSERT statements sent, how many rows each carried, and the transaction's query runner each ran on. */
function watchInserts(): { rows: number; runner: unknown }[] {
  const inserts: { rows: number; runner: unknown }[] = [];
  const query = gw.dataSource.query.bind(gw.dataSource);
  vi.spyOn(gw.dataSource, "query").mockImplementation(((sql: string, parameters?: unknown[], queryRunner?: unknown) => {
    if (sql.startsWith("INSERT INTO audit_events")) inserts.push({ rows: (sql.match(/\),\s*\(/g)?.length ?? 0) + 1, runner: queryRunner });
    return query(sql, parameters, queryRunner as never);
  }) as typeof gw.dataSource.query);
  return inserts;
}
/** The next audit INSERT fails as a lost connection would; other queries (the integrator's, say) pass. */
function failNextAuditInsert(): void {
  const query = gw.dataSource.query.bind(gw.dataSource);
  let failed = false;
  vi.spyOn(gw.dataSource, "query").mockImplementation(((sql: string, parameters?: unknown[], queryRunner?: unknown) => {
    if (!failed && sql.startsWith("INSERT INTO audit_events")) {
      failed = true;
      return Promise.reject(new Error("connection lost"));
    }
    return query(sql, parameters, queryRunner as never);
  }) as typeof gw.dataSource.query);
}

const rowsOf = (inserts: { rows: number }[]) => inserts.map((insert) => insert.rows);

const eventsOf = async (action: string): Promise<{ request_id: string; fields: string | null; detail: string | null }[]> =>
  gw.dataSource.query("SELECT request_id, fields, detail FROM audit_events WHERE action = ? ORDER BY seq", [action]);

describe("batched audit writes", () => {
  it("when twenty requests record at once, then one INSERT writes all twenty and each record resolves after it", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey, { batch: true });
    const inserts = watchInserts();
    const inputs = Array.from({ length: 20 }, () => event("test.batch_together"));
    await Promise.all(inputs.map((input) => audit.record(input)));
    expect(rowsOf(inserts)).toEqual([20]);
    expect((await eventsOf("test.batch_together")).map((row) => row.request_id)).toEqual(inputs.map((input) => input.requestId));
  });

  it("when more events wait than one INSERT may carry, then they are split, none over the limit and none lost", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey, { batch: true, maxBatch: 3 });
    const inserts = watchInserts();
    await Promise.all(Array.from({ length: 10 }, () => audit.record(event("test.batch_split"))));
    expect(rowsOf(inserts).every((rows) => rows <= 3)).toBe(true);
    expect(rowsOf(inserts).reduce((sum, rows) => sum + rows, 0)).toBe(10);
    expect(await eventsOf("test.batch_split")).toHaveLength(10);
  });

  it("when the batch INSERT fails, then every waiting record is rejected with the 503 and nothing is written", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey, { batch: true });
    failNextAuditInsert();
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => audit.record(event("test.batch_failed"))));
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
    failNextAuditInsert();
    await expect(audit.record(event("test.batch_recovers"))).rejects.toMatchObject({ status: 503 });
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
    const inserts = watchInserts();
    const callers: unknown[] = [];
    await expect(gw.dataSource.transaction(async (manager) => {
      callers.push(manager.queryRunner);
      await audit.record(event("test.in_rolled_back_transaction"), manager);
      throw new Error("the change failed");
    })).rejects.toThrow("the change failed");
    await gw.dataSource.transaction((manager) => {
      callers.push(manager.queryRunner);
      return audit.record(event("test.in_committed_transaction"), manager);
    });
    expect(await eventsOf("test.in_rolled_back_transaction")).toEqual([]);
    expect(await eventsOf("test.in_committed_transaction")).toHaveLength(1);
    // Neither went through the shared batch: both were written on the caller's transaction.
    expect(inserts.map((insert) => insert.runner)).toEqual(callers);
  });

  it("when the gateway's own audit log records concurrent requests, then it batches on MySQL and writes one by one on SQLite", async () => {
    const audit = createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey);
    const inserts = watchInserts();
    await Promise.all(Array.from({ length: 4 }, () => audit.record(event("test.default_batching"))));
    expect(rowsOf(inserts)).toEqual(isMysql(gw.dataSource) ? [4] : [1, 1, 1, 1]);
    expect(await eventsOf("test.default_batching")).toHaveLength(4);
  });
});
