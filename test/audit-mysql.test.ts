import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEventsSql } from "../src/audit/audit-query";
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
