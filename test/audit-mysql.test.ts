import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_INSERT } from "../src/audit/audit-batch";
import { auditEventsSql } from "../src/audit/audit-query";
import { batchLeavesWrite, pendingBatches } from "../src/audit/audit-tree-store";
import { TEST_DB } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";

const onMysql = describe.skipIf(TEST_DB !== "mysql");

onMysql("audit queries use the indexes (EXPLAIN on MySQL)", () => {
  let gw: TestGateway;
  const customers = Array.from({ length: 40 }, () => randomUUID());
  const dealers = Array.from({ length: 10 }, () => randomUUID());

  beforeAll(async () => {
    gw = await startTestGateway();
    const rows: unknown[][] = [];
    for (let i = 0; i < 600; i += 1) {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
      rows.push([randomUUID(), at, "dealer", `dlr_${i % 10}`, "customer.read", dealers[i % 10], customers[i % 40], "service_delivery", "allow", 200, "req", "127.0.0.1"]);
    }
    await gw.dataSource.query(
      `INSERT INTO audit_events (id, at, actor_type, actor_id, action, dealer_id, customer_id, purpose, decision, status, request_id, ip) VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
      rows.flat(),
    );
    await gw.dataSource.query("ANALYZE TABLE audit_events");
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const plan = async (filters: Record<string, string>, before?: number) => {
    const { sql, params } = auditEventsSql(filters, { limit: 51, before }, true);
    const [row]: { key: string | null; type: string }[] = await gw.dataSource.query(`EXPLAIN ${sql}`, params);
    return row!;
  };

  it.each([
    ["a customer", { customerId: customers[3]! }, "ix_audit_events_customer"],
    ["a customer, on a later page", { customerId: customers[3]! }, "ix_audit_events_customer", 500],
    ["a dealer", { dealerId: dealers[2]! }, "ix_audit_events_dealer"],
    ["an actor", { actorId: "dlr_4" }, "ix_audit_events_actor"],
    ["a time range", { from: "2026-01-01T02:00:00.000Z", to: "2026-01-01T03:00:00.000Z" }, "ix_audit_events_at"],
  ] as const)("when the log is queried by %s, then the plan uses %s", async (_what, filters, index, before?: number) => {
    const row = await plan(filters, before);
    expect(row.key).toBe(index);
    expect(row.type).not.toBe("ALL");
  });

  it("when a customer and a time range are combined, then an audit index still drives the query", async () => {
    const row = await plan({ customerId: customers[3]!, from: "2026-01-01T02:00:00.000Z", to: "2026-01-01T05:00:00.000Z" });
    expect(row.key).toMatch(/^ix_audit_events_/);
  });
});

onMysql("an integration round beside audit writes (MySQL)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
    // Many integrated batches and a few pending ones: the shape under which the optimizer would
    // rather find the pending ones through the index on (first_leaf, created_at, batch_id).
    const batchRow = (i: number, firstLeaf: number | null) => [randomUUID(), `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`, "k", "", "s", null, firstLeaf];
    const rows = [...Array.from({ length: 2000 }, (_, i) => batchRow(i, i)), ...Array.from({ length: 20 }, (_, i) => batchRow(i, null))];
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await gw.dataSource.query(
        `INSERT INTO audit_batches (batch_id, created_at, key_id, entries, signature, mac, first_leaf) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
        chunk.flat(),
      );
    }
    await gw.dataSource.query("ANALYZE TABLE audit_batches");
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("when a round has given its batches their first leaves and not yet committed, then a new write batch goes in without waiting for it", async () => {
    const pending = await pendingBatches(gw.dataSource);
    expect(pending.length).toBeGreaterThanOrEqual(20);
    const write = batchLeavesWrite(true, pending.map((batch, i) => ({ batchId: batch.batch_id, firstLeaf: 10_000 + i })));
    const round = gw.dataSource.createQueryRunner();
    const writer = gw.dataSource.createQueryRunner();
    try {
      await round.startTransaction();
      expect((await round.query(write.sql, write.params)).affectedRows).toBe(pending.length);
      await writer.query("SET SESSION innodb_lock_wait_timeout = 1");
      await writer.query(BATCH_INSERT, [randomUUID(), "2026-01-02T00:00:00.000Z", "k", "", "s", null]);
    } finally {
      await round.rollbackTransaction();
      await Promise.all([round.release(), writer.release()]);
    }
  });
});
