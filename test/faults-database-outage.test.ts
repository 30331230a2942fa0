import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotQuery } from "../src/db/direct-pool";
import { MIGRATION_LOCK } from "../src/db/migrate";
import { readCustomer } from "./dealer-api.support";
import { createTestDatabase, TEST_DB, TEST_MYSQL_URL, type TestDatabase } from "./support/databases";
import { startDbProxy, type DbProxy } from "./support/db-proxy";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { holdLock } from "./support/lock-rows";

/**
 * The database goes away under one gateway (a proxy between them is cut or goes silent; the shared
 * MariaDB itself is never touched): every request that needs it answers 503 problem+json quickly,
 * with no data, nothing hangs, and service comes back by itself once the database does.
 */
const QUERY_TIMEOUT_MS = 1500;
const CONNECT_TIMEOUT_MS = 1000;
/** The bound on any answer while the database is away: well under the test timeout. */
const ANSWER_WITHIN_MS = 5000;

let database: TestDatabase;
let proxy: DbProxy;
let gw: TestGateway;
let access: DealerWithAccess;
let adminToken: string;

describe.skipIf(TEST_DB !== "mysql")("when the database goes away (MySQL/MariaDB behind a TCP proxy)", () => {
  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    const target = new URL(TEST_MYSQL_URL);
    proxy = await startDbProxy({ host: target.hostname, port: Number(target.port || 3306) });
    gw = await startTestGateway({
      database: { url: proxy.url(database.url), drop: async () => undefined },
      env: { DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS), DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) },
    });
    access = await dealerWithAccess(gw, "service_delivery");
    adminToken = await gw.adminToken();
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await gw?.stop();
    await proxy?.close();
    await database?.drop();
  });

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  /** Every kind of call that needs the database, with what it answers when all is well. */
  const calls: [string, () => Promise<{ status: number; text: string; headers: Record<string, string>; body: Record<string, unknown> }>][] = [
    ["a dealer read", () => readCustomer(gw, access.token, access.customer.id)],
    ["a dealer lookup", () => gw.http.post("/v1/customers/lookup?purpose=service_delivery").set(bearer(access.token)).send({ email: access.customer.email })],
    ["a dealer list", () => gw.http.get("/v1/customers?purpose=service_delivery").set(bearer(access.token))],
    ["the consent-events feed", () => gw.http.get("/v1/consent-events").set(bearer(access.token))],
    ["an admin customer read", () => gw.http.get(`/v1/admin/customers/${access.customer.id}`).set(bearer(adminToken))],
    ["an admin change", () => gw.http.patch(`/v1/admin/customers/${access.customer.id}`).set(bearer(adminToken)).send({ preferredLanguage: "de-CH" })],
    ["a dealer token", () => gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: access.credential.clientId, client_secret: access.credential.clientSecret })],
    ["/readyz", () => gw.http.get("/readyz")],
  ];

  async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
    const started = performance.now();
    const result = await call();
    return { result, ms: Math.round(performance.now() - started) };
  }

  async function expectAllUnavailable(label: string): Promise<number> {
    const answers = await Promise.all(calls.map(async ([what, call]) => ({ what, ...(await timed(call)) })));
    for (const { what, result, ms } of answers) {
      expect(result.status, `${label}: ${what} ${result.text}`).toBe(503);
      expect(ms, `${label}: ${what} took ${ms} ms`).toBeLessThan(ANSWER_WITHIN_MS);
      if (what !== "a dealer token") {
        expect(result.headers["content-type"], what).toMatch(/^application\/problem\+json/);
        expect(result.body).toMatchObject({ status: 503, code: "unavailable" });
      }
      expect(result.text).not.toContain(access.customer.email!);
      expect(result.text).not.toMatch(/ECONNREFUSED|PROTOCOL_|ETIMEDOUT|127\.0\.0\.1|mysql/i);
    }
    return Math.max(...answers.map((answer) => answer.ms));
  }

  async function expectRecovered(label: string): Promise<number> {
    const started = performance.now();
    let last = "";
    while (performance.now() - started < 15_000) {
      const ready = await gw.http.get("/readyz");
      const read = await readCustomer(gw, access.token, access.customer.id);
      if (ready.status === 200 && read.status === 200) {
        for (const [what, call] of calls) expect((await call()).status, `${label}: ${what} after recovery`).toBeLessThan(300);
        return Math.round(performance.now() - started);
      }
      last = `${ready.status} ${read.status} ${read.text}`;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${label}: no recovery within 15 s (${last})`);
  }

  it("when the healthy path is checked first, then every call succeeds through the proxy", async () => {
    for (const [what, call] of calls) expect((await call()).status, what).toBeLessThan(300);
  });

  it("when the database is cut (connections dropped, new ones refused), then every call answers 503 at once, /healthz stays up, and service returns by itself", async () => {
    await proxy.cut();
    const slowest = await expectAllUnavailable("cut");
    await gw.http.get("/healthz").expect(200);
    console.info(`database cut: slowest 503 after ${slowest} ms`);
    await proxy.restore();
    console.info(`database cut: service back ${await expectRecovered("cut")} ms after the restore`);
  });

  it("when the database goes silent (a partition: connections accepted, no bytes), then every call answers 503 within the query timeout, and service returns", async () => {
    proxy.stall();
    const slowest = await expectAllUnavailable("stall");
    expect(slowest).toBeGreaterThanOrEqual(QUERY_TIMEOUT_MS - 100);
    console.info(`database silent: slowest 503 after ${slowest} ms (query timeout ${QUERY_TIMEOUT_MS} ms)`);
    await proxy.restore();
    console.info(`database silent: service back ${await expectRecovered("stall")} ms after the restore`);
  });

  it("when 40 requests arrive while the database is cut, then all of them are answered 503 and none hangs", async () => {
    await proxy.cut();
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? readCustomer(gw, access.token, access.customer.id) : gw.http.get("/readyz"))));
    expect(answers.map((answer) => answer.status)).toEqual(Array(40).fill(503));
    expect(performance.now() - started).toBeLessThan(ANSWER_WITHIN_MS);
    await proxy.restore();
    await expectRecovered("burst");
  });

  it("when the database goes silent before a connection has prepared a statement, then that statement fails within the query timeout too", async () => {
    // A pooled connection, set up while all is well; then a statement it has never prepared, sent into the silence.
    await hotQuery(gw.dataSource, "SELECT 1 AS ready", []);
    proxy.stall();
    const started = performance.now();
    await expect(hotQuery(gw.dataSource, "SELECT ? + 1 AS never_prepared", [1])).rejects.toMatchObject({ code: "PROTOCOL_SEQUENCE_TIMEOUT" });
    expect(performance.now() - started).toBeLessThan(QUERY_TIMEOUT_MS + 1000);
    await proxy.restore();
    await expectRecovered("unprepared");
  });

  it("when the audit table is locked by someone else, then a dealer read answers 503 within the query timeout with no data, and is served once the lock is gone", async () => {
    const locker = await mysql.createConnection(database.url);
    try {
      await locker.query("LOCK TABLES audit_events WRITE");
      const { result, ms } = await timed(() => readCustomer(gw, access.token, access.customer.id));
      expect(result.status, result.text).toBe(503);
      expect(result.body.data).toBeUndefined();
      expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
      console.info(`audit table locked: 503 after ${ms} ms`);
    } finally {
      await locker.query("UNLOCK TABLES");
      await locker.end();
    }
    await expectRecovered("audit lock");
  });

  it("when another process holds this database's migration lock for a while, then a starting gateway waits for it despite its short query timeout, and a lock on another database does not hold it up", async () => {
    const env = { DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS), DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) };
    // Fresh databases: a gateway takes the migration lock only when it has migrations to run.
    const [first, second] = [await createTestDatabase("mysql"), await createTestDatabase("mysql")];
    const elsewhere = await mysql.createConnection(first.url);
    const holder = await mysql.createConnection(first.url);
    try {
      const releaseElsewhere = await holdLock(elsewhere, MIGRATION_LOCK);
      let started = performance.now();
      const unhindered = await startTestGateway({ database: { url: second.url, drop: async () => undefined }, env });
      expect(performance.now() - started).toBeLessThan(3 * QUERY_TIMEOUT_MS);
      await unhindered.stop();
      await releaseElsewhere();

      const releaseLock = await holdLock(holder, MIGRATION_LOCK);
      const release = setTimeout(() => void releaseLock(), 2 * QUERY_TIMEOUT_MS + 500);
      started = performance.now();
      const waiting = await startTestGateway({ database: { url: first.url, drop: async () => undefined }, env });
      clearTimeout(release);
      expect(performance.now() - started).toBeGreaterThanOrEqual(2 * QUERY_TIMEOUT_MS);
      await waiting.http.get("/readyz").expect(200);
      await waiting.stop();
    } finally {
      await holder.end();
      await elsewhere.end();
      await first.drop();
      await second.drop();
    }
  });

});
