import fs from "node:fs";
import path from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEventsSql } from "../src/audit/audit-query";
import { createDataSource } from "../src/db/data-source";
import { migrate } from "../src/db/migrate";
import { createTestDatabase, TEST_DB, TEST_MYSQL_URL, type TestDatabase } from "./support/databases";
import { dealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { auditGet, eventsWhere, integrate, verify } from "./audit.support";

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

/** The GRANT statements of docs/audit.md, for this test's database and user. */
function documentedGrants(database: string, user: string, password: string): string[] {
  const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "audit.md"), "utf8");
  const block = /```sql\n(CREATE USER[\s\S]+?)```/.exec(doc)?.[1];
  if (!block) throw new Error("docs/audit.md lost its GRANT statements");
  return block.trim().split(/;\s*\n/).map((statement) => statement.replace(/;$/, "")
    .replaceAll("gateway.", `${database}.`).replaceAll("'gateway_app'", `'${user}'`).replaceAll("'change-me'", `'${password}'`));
}

onMysql("a least-privilege runtime user (docs/audit.md)", () => {
  let database: TestDatabase;
  let gw: TestGateway;
  let runtime: mysql.Connection;
  const user = `gwrt_${randomBytes(5).toString("hex")}`;
  const password = randomBytes(12).toString("hex");

  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    const asRoot = createDataSource(database.url);
    await asRoot.initialize();
    await migrate(asRoot);
    await asRoot.destroy();
    const name = new URL(database.url).pathname.slice(1);
    const root = await mysql.createConnection(TEST_MYSQL_URL);
    for (const statement of documentedGrants(name, user, password)) await root.query(statement);
    await root.end();
    const runtimeUrl = new URL(database.url);
    runtimeUrl.username = user;
    runtimeUrl.password = password;
    gw = await startTestGateway({ database: { url: runtimeUrl.toString(), drop: async () => undefined } });
    runtime = await mysql.createConnection(runtimeUrl.toString());
  }, 60_000);
  afterAll(async () => {
    await runtime?.end();
    await gw?.stop();
    const root = await mysql.createConnection(TEST_MYSQL_URL);
    await root.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await root.end();
    await database?.drop();
  });

  it("when the gateway runs as that user, then logins, dealer reads, audit queries and integration work", async () => {
    const access = await dealerWithAccess(gw);
    await gw.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(access.token, { type: "bearer" }).expect(200);
    const query = await auditGet(gw, `/v1/audit/events?customerId=${access.customer.id}`);
    expect(query.body.items.map((e: { action: string }) => e.action)).toContain("customer.read");
    expect(await eventsWhere(gw, "action = 'auth.login' AND decision = 'allow'")).not.toHaveLength(0);
    await integrate(gw);
    const result = await verify(gw);
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThan(5);
    expect(result.treeSize).toBeGreaterThan(5);
  });

  it.each(["audit_events", "audit_leaves", "audit_tree_nodes", "audit_checkpoints"])("when that user tries to change %s, then the privilege system refuses", async (table) => {
    const denied = { code: "ER_TABLEACCESS_DENIED_ERROR" };
    const column = { audit_events: "reason", audit_leaves: "event_id", audit_tree_nodes: "hash", audit_checkpoints: "note" }[table];
    await expect(runtime.query(`UPDATE ${table} SET ${column} = 'x'`)).rejects.toMatchObject(denied);
    await expect(runtime.query(`DELETE FROM ${table}`)).rejects.toMatchObject(denied);
    await expect(runtime.query(`TRUNCATE TABLE ${table}`)).rejects.toMatchObject(denied);
    await expect(runtime.query(`DROP TRIGGER ${table}_no_update`)).rejects.toThrow(/denied/i);
    const [rows] = await runtime.query(`SELECT COUNT(*) AS n FROM ${table}`);
    expect(Number((rows as { n: number }[])[0]!.n)).toBeGreaterThan(0);
  });
});
