import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "./support/cli";
import { createTestDatabase, TEST_DB, TEST_MYSQL_URL, type TestDatabase } from "./support/databases";
import { createCustomer, dealerWithAccess, recordConsent } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { PURCHASE, WARRANTY, write } from "./point-of-sale.support";
import { auditGet, eventsWhere, integrate, verify } from "./audit.support";
import { answer, startReceiver } from "./support/webhook-receiver";
import { deliveries, eventually, putWebhook, WEBHOOK_TEST_ENV } from "./webhooks.support";

/**
 * The two database users of docs/operations.md, with exactly its GRANT statements: the migration user
 * changes the schema (through MIGRATION_DATABASE_URL), the gateway serves as the runtime user.
 */
interface DocumentedUser {
  name: string;
  password: string;
  url: string;
}

/** The statements of the docs/operations.md SQL block that starts with `first`, for this test's database and users. */
function documentedStatements(first: string, database: string, users: Record<"gateway_migrate" | "gateway_app", DocumentedUser>): string[] {
  const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "operations.md"), "utf8");
  const block = new RegExp("```sql\\n(" + first + "[\\s\\S]+?)```").exec(doc)?.[1];
  if (!block) throw new Error(`docs/operations.md lost its SQL block starting with ${first}`);
  return block.trim().split(/;\s*\n/).map((statement) => statement.replace(/;$/, ""))
    .filter((statement) => !statement.startsWith("CREATE DATABASE"))
    .map((statement) => Object.entries(users).reduce((sql, [documented, user]) => sql.replaceAll(`'${documented}'`, `'${user.name}'`), statement)
      .replaceAll("gateway.", `${database}.`).replaceAll("'change-me-too'", `'${users.gateway_migrate.password}'`).replaceAll("'change-me'", `'${users.gateway_app.password}'`));
}

async function asRoot(statements: string[]): Promise<void> {
  const root = await mysql.createConnection(TEST_MYSQL_URL);
  try {
    for (const statement of statements) await root.query(statement);
  } finally {
    await root.end();
  }
}

describe.skipIf(TEST_DB !== "mysql")("a runtime user without schema privileges and a migration user (docs/operations.md)", () => {
  let database: TestDatabase;
  let name: string;
  let users: Record<"gateway_migrate" | "gateway_app", DocumentedUser>;
  let gw: TestGateway;
  let runtime: mysql.Connection;
  const asUser = (user: DocumentedUser) => ({ url: user.url, drop: async () => undefined });
  const tableCount = async () => {
    const [rows] = await runtime.query("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()");
    return Number((rows as { n: number }[])[0]!.n);
  };

  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    name = new URL(database.url).pathname.slice(1);
    const user = (prefix: string): DocumentedUser => {
      const url = new URL(database.url);
      url.username = `${prefix}_${randomBytes(5).toString("hex")}`;
      url.password = randomBytes(12).toString("hex");
      return { name: url.username, password: url.password, url: url.toString() };
    };
    users = { gateway_migrate: user("gwmig"), gateway_app: user("gwrt") };
    await asRoot(documentedStatements("CREATE DATABASE", name, users));
    runtime = await mysql.createConnection(users.gateway_app.url);
  });
  afterAll(async () => {
    await runtime?.end();
    await gw?.stop();
    await asRoot(Object.values(users ?? {}).map((user) => `DROP USER IF EXISTS '${user.name}'@'%'`));
    await database?.drop();
  });

  it("when migrations are pending and only the runtime user is given, then start-up stops before any schema change and says what to do", async () => {
    await expect(startTestGateway({ database: asUser(users.gateway_app) })).rejects.toThrow(/pending[\s\S]*lacks[\s\S]*MIGRATION_DATABASE_URL/);
    expect(await tableCount()).toBe(0);
    const cli = await runCommand(["migrate"], { ...process.env, DATABASE_URL: users.gateway_app.url, MIGRATION_DATABASE_URL: "" });
    expect(cli.code).toBe(1);
    expect(await tableCount()).toBe(0);
  });

  it("when the user's grants cannot be read for sure (it holds a role), then the server's refusal stops start-up with the same advice", async () => {
    const role = `gwrole_${randomBytes(5).toString("hex")}`;
    await asRoot([`CREATE ROLE ${role}`, `GRANT ${role} TO '${users.gateway_app.name}'@'%'`]);
    try {
      await expect(startTestGateway({ database: asUser(users.gateway_app) })).rejects.toThrow(/pending[\s\S]*refused a schema change[\s\S]*MIGRATION_DATABASE_URL/);
      expect(await tableCount()).toBe(0);
    } finally {
      await asRoot([`DROP ROLE ${role}`]);
    }
  });

  it("when MIGRATION_DATABASE_URL names the migration user, then start-up migrates through it and the gateway serves as the runtime user", async () => {
    gw = await startTestGateway({ database: asUser(users.gateway_app), env: { MIGRATION_DATABASE_URL: users.gateway_migrate.url, ...WEBHOOK_TEST_ENV } });
    const [rows] = await runtime.query("SELECT CURRENT_USER() AS user");
    expect((rows as { user: string }[])[0]!.user).toBe(`${users.gateway_app.name}@%`);
    expect(await tableCount()).toBeGreaterThan(10);
    await gw.http.get("/readyz").expect(200);
    // The operator's step after the migrations created the tables.
    await asRoot(documentedStatements("GRANT UPDATE", name, users));
  });

  it("when the gateway runs as that user, then logins, dealer reads, admin changes, audit queries and integration work", async () => {
    const admin = { Authorization: `Bearer ${await gw.adminToken()}` };
    const access = await dealerWithAccess(gw);
    const receiver = await startReceiver(answer(500));
    await putWebhook(gw, access.dealer.id, receiver.url);
    await gw.http.get(`/v1/customers/${access.customer.id}`).query({ purpose: "service_delivery" }).auth(access.token, { type: "bearer" }).expect(200);

    // Point-of-sale writes: a sale, its replay, a refused write that gives its key back, an opt-out, then erasure of what they wrote.
    const writer = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await write(gw, writer.token, writer.customer.id, "purchases", PURCHASE, { key: "lp-sale" }).expect(201);
    await write(gw, writer.token, writer.customer.id, "purchases", PURCHASE, { key: "lp-sale" }).expect(201);
    await write(gw, writer.token, writer.customer.id, "warranties", WARRANTY, { key: "lp-warranty" }).expect(201);
    await write(gw, writer.token, writer.customer.id, "warranties", WARRANTY, { key: "lp-warranty-again" }).expect(409);
    await write(gw, writer.token, writer.customer.id, "marketing-preferences", { email: false, phone: false, post: false, sms: false }).expect(200);
    await gw.http.post(`/v1/admin/customers/${writer.customer.id}/erase`).set(admin).expect(200);

    await gw.http.patch(`/v1/admin/dealers/${access.dealer.id}`).set(admin).send({ name: "Renamed boutique" }).expect(200);
    await gw.http.patch(`/v1/admin/customers/${access.customer.id}`).set(admin).send({ preferredLanguage: "en-GB" }).expect(200);
    await gw.http.post(`/v1/admin/consents/${access.consent.id}/withdraw`).set(admin).send({ purposes: ["service_delivery"] }).expect(200);
    const feed = await gw.http.get("/v1/consent-events").auth(access.token, { type: "bearer" }).expect(200);
    await gw.http.post("/v1/consent-events/ack").auth(access.token, { type: "bearer" }).send({ upTo: feed.body.items.at(-1).id }).expect(200);
    const other = await createCustomer(gw);
    await recordConsent(gw, other.id, { dealerId: access.dealer.id, purposes: ["service_delivery"] });
    await gw.http.post(`/v1/admin/customers/${other.id}/erase`).set(admin).expect(200);
    await gw.http.delete(`/v1/admin/dealers/${access.dealer.id}/grants/service_delivery`).set(admin).expect(204);
    await gw.http.delete(`/v1/admin/dealers/${access.dealer.id}/credentials/${access.credential.clientId}`).set(admin).expect(204);
    // Webhook deliveries: a failure rescheduled, a success settled, a replay, the webhook removed.
    await eventually(() => deliveries(gw, access.dealer.id), (rows) => rows.length > 0 && rows.every((row) => row.attempts > 0), "failed attempts recorded");
    receiver.respond = answer(200);
    gw.clock.advance(3_600_000);
    const [settled] = await eventually(() => deliveries(gw, access.dealer.id), (rows) => rows.some((row) => row.status === "delivered"), "a delivery settled")
      .then((rows) => rows.filter((row) => row.status === "delivered"));
    await gw.http.post(`/v1/admin/dealers/${access.dealer.id}/webhook/deliveries/${settled!.id}/replay`).set(admin).send({}).expect(202);
    await gw.http.delete(`/v1/admin/dealers/${access.dealer.id}/webhook`).set(admin).expect(204);
    await receiver.close();
    const created = await gw.http.post("/v1/admin/users").set(admin)
      .send({ username: `auditor-${randomBytes(3).toString("hex")}`, password: randomBytes(16).toString("hex"), roles: ["compliance_auditor"] }).expect(201);
    await gw.http.delete(`/v1/admin/users/${created.body.id}`).set(admin).expect(204);

    const query = await auditGet(gw, `/v1/audit/events?customerId=${access.customer.id}`);
    expect(query.body.items.map((event: { action: string }) => event.action)).toContain("customer.read");
    expect(await eventsWhere(gw, "action = 'auth.login' AND decision = 'allow'")).not.toHaveLength(0);
    // webhook.delivery events carry the dealer receiver's status (500 here, on purpose), not the gateway's.
    expect(await eventsWhere(gw, "status >= 500 AND action <> 'webhook.delivery'")).toEqual([]);
    await integrate(gw);
    const result = await verify(gw);
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThan(10);
    expect(result.treeSize).toBeGreaterThan(10);
  });

  const AUDIT_TABLES: Record<string, string> = {
    audit_events: "reason", audit_checkpoints: "note",
  };
  it.each(Object.keys(AUDIT_TABLES))("when that user tries to change %s, then the privilege system refuses", async (table) => {
    const denied = { code: "ER_TABLEACCESS_DENIED_ERROR" };
    const column = AUDIT_TABLES[table];
    await expect(runtime.query(`UPDATE ${table} SET ${column} = 'x'`)).rejects.toMatchObject(denied);
    await expect(runtime.query(`DELETE FROM ${table}`)).rejects.toMatchObject(denied);
    await expect(runtime.query(`TRUNCATE TABLE ${table}`)).rejects.toMatchObject(denied);
    await expect(runtime.query(`DROP TRIGGER ${table}_no_update`)).rejects.toThrow(/denied/i);
    const [rows] = await runtime.query(`SELECT COUNT(*) AS n FROM ${table}`);
    expect(Number((rows as { n: number }[])[0]!.n)).toBeGreaterThan(0);
  });

  it("when that user tries to rewrite or remove a tile of the Merkle tree, which it may only extend, then the database refuses", async () => {
    const denied = { code: "ER_TABLEACCESS_DENIED_ERROR" };
    const [before] = await runtime.query("SELECT level, tile_index, hashes FROM audit_tree_tiles ORDER BY level, tile_index");
    await expect(runtime.query("UPDATE audit_tree_tiles SET hashes = 'x'")).rejects.toThrow(/append-only/);
    await expect(runtime.query("UPDATE audit_tree_tiles SET hashes = CONCAT('00', hashes)")).rejects.toThrow(/append-only/);
    await expect(runtime.query("UPDATE audit_tree_tiles SET tile_index = tile_index + 1000")).rejects.toThrow(/append-only/);
    await expect(runtime.query("DELETE FROM audit_tree_tiles")).rejects.toMatchObject(denied);
    await expect(runtime.query("TRUNCATE TABLE audit_tree_tiles")).rejects.toMatchObject(denied);
    await expect(runtime.query("DROP TRIGGER audit_tree_tiles_grow_only")).rejects.toThrow(/denied/i);
    const [after] = await runtime.query("SELECT level, tile_index, hashes FROM audit_tree_tiles ORDER BY level, tile_index");
    expect(after).toEqual(before);
    expect(after).not.toHaveLength(0);
  });

  it("when that user tries to rewrite, move or remove a write batch, whose first leaf it may only set once, then the database refuses", async () => {
    const denied = { code: "ER_TABLEACCESS_DENIED_ERROR" };
    // The integrated batches: a pending one may be integrated meanwhile, by the gateway's timer.
    const integrated = "SELECT batch_id, first_leaf, entries, signature FROM audit_batches WHERE first_leaf IS NOT NULL ORDER BY first_leaf";
    const [before] = await runtime.query(integrated);
    await expect(runtime.query("UPDATE audit_batches SET entries = 'x'")).rejects.toMatchObject({ code: "ER_COLUMNACCESS_DENIED_ERROR" });
    await expect(runtime.query("UPDATE audit_batches SET first_leaf = first_leaf + 1 WHERE first_leaf IS NOT NULL")).rejects.toThrow(/append-only/);
    await expect(runtime.query("DELETE FROM audit_batches")).rejects.toMatchObject(denied);
    await expect(runtime.query("TRUNCATE TABLE audit_batches")).rejects.toMatchObject(denied);
    await expect(runtime.query("DROP TRIGGER audit_batches_set_once")).rejects.toThrow(/denied/i);
    const [after] = await runtime.query(integrated);
    expect((after as unknown[]).slice(0, (before as unknown[]).length)).toEqual(before);
    expect(before).not.toHaveLength(0);
  });

  it("when that user tries to delete anything but an admin user, then the privilege system refuses", async () => {
    for (const table of ["dealers", "customers", "consents", "consent_purposes", "consent_history", "dealer_events", "purposes", "schema_migrations"]) {
      await expect(runtime.query(`DELETE FROM ${table} WHERE 1 = 0`), table).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" });
    }
  });
});
