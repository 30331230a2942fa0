import net from "node:net";
import supertest from "supertest";
import type { DataSource } from "typeorm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDataSource } from "../src/db/data-source";
import { spawnGateway, type ChildGateway } from "./support/child-gateway";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { customerRecord, dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { ADMIN_PASSWORD, type TestGateway } from "./support/gateway";
import { openConnection, send, type RawRequest, type RawResponse } from "./support/raw-http";

/**
 * Real gateway processes (`src/main.ts`) meeting the signals of operations: SIGTERM drains what is in
 * flight and exits 0; a kill -9 under load loses no audit event of any answer a client received.
 */
let database: TestDatabase;
const children: ChildGateway[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  for (const child of children.splice(0)) await child.dispose();
});
afterAll(async () => {
  await database?.drop();
});

async function start(env: Record<string, string> = {}): Promise<ChildGateway> {
  const child = await spawnGateway({ databaseUrl: database.url, env });
  children.push(child);
  return child;
}

/** The fixtures speak to a child process exactly as to an in-process gateway. */
async function asTestGateway(child: ChildGateway): Promise<TestGateway & { token: string }> {
  const http = supertest(child.url);
  const token = (await http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(200)).body.access_token as string;
  return { http, url: child.url, adminToken: async () => token, token } as unknown as TestGateway & { token: string };
}

/** Reads the database the children wrote, after they are gone. */
async function withDatabase<T>(use: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = createDataSource(database.url, 2);
  await dataSource.initialize();
  try {
    return await use(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve("connected")));
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A POST whose headers and first half of the body are sent now, the rest when `finish` is called. */
function slowPost(url: string, path: string, body: object, headers: Record<string, string>) {
  const bytes = Buffer.from(JSON.stringify(body));
  const head = [`POST ${path} HTTP/1.1`, `Host: ${new URL(url).host}`, "Content-Type: application/json", `Content-Length: ${bytes.length}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  const half = Math.floor(bytes.length / 2);
  const connection = openConnection(url, Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`), bytes.subarray(0, half)]));
  return { finish: () => connection.write(bytes.subarray(half)), response: connection.response, closed: connection.closed };
}

describe("SIGTERM: a graceful drain", () => {
  it("when SIGTERM arrives with slow requests in flight, then new connections are refused, idle ones closed, the in-flight requests complete and are audited, and the process exits 0", async () => {
    const child = await start({ SHUTDOWN_TIMEOUT_MS: "20000" });
    const gw = await asTestGateway(child);
    const access = await dealerWithAccess(gw);

    const idle = openConnection(child.url, `GET /healthz HTTP/1.1\r\nHost: ${new URL(child.url).host}\r\n\r\n`);
    const creates = [1, 2, 3].map((i) => ({ record: customerRecord(), id: `drain-create-${i}` }));
    const inFlight = [
      ...creates.map(({ record, id }) => slowPost(child.url, "/v1/admin/customers", record, { Authorization: `Bearer ${gw.token}`, "X-Request-Id": id })),
      ...[1, 2].map((i) => slowPost(child.url, "/v1/customers/lookup?purpose=service_delivery", { email: access.customer.email }, { Authorization: `Bearer ${access.token}`, "X-Request-Id": `drain-lookup-${i}` })),
    ];
    await sleep(300);

    child.process.kill("SIGTERM");
    await sleep(300);
    expect(await refused(child.port)).toBe("ECONNREFUSED");
    await Promise.race([idle.closed, sleep(3000).then(() => { throw new Error("the idle keep-alive connection was not closed"); })]);
    expect(child.process.exitCode).toBeNull();

    for (const request of inFlight) request.finish();
    const answers: RawResponse[] = await Promise.all(inFlight.map((request) => request.response));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 200, 200]);
    for (const answer of answers) expect(answer.headers.connection).toBe("close");
    expect(answers[3]!.json?.matches).toHaveLength(1);

    const exit = await Promise.race([child.exited, sleep(10_000).then(() => null)]);
    expect(exit, child.output()).toEqual({ code: 0, signal: null });

    await withDatabase(async (dataSource) => {
      for (const { record } of creates) expect(await dataSource.query("SELECT id FROM customers WHERE external_ref = ?", [record.externalRef])).toHaveLength(1);
      const events: { request_id: string; action: string; status: number | string }[] = await dataSource.query(
        "SELECT request_id, action, status FROM audit_events WHERE request_id LIKE 'drain-%' ORDER BY request_id",
      );
      expect(events.map((event) => [event.request_id, event.action, Number(event.status)])).toEqual([
        ["drain-create-1", "customer.create", 201], ["drain-create-2", "customer.create", 201], ["drain-create-3", "customer.create", 201],
        ["drain-lookup-1", "customer.lookup", 200], ["drain-lookup-2", "customer.lookup", 200],
      ]);
    });
  });

  it("when a request never finishes, then the drain ends at SHUTDOWN_TIMEOUT_MS, its connection is closed, and the process still exits 0", async () => {
    const child = await start({ SHUTDOWN_TIMEOUT_MS: "1500" });
    const gw = await asTestGateway(child);
    const stuck = slowPost(child.url, "/v1/admin/customers", customerRecord(), { Authorization: `Bearer ${gw.token}` });
    await sleep(200);
    const started = performance.now();
    child.process.kill("SIGTERM");
    const exit = await Promise.race([child.exited, sleep(10_000).then(() => null)]);
    const took = performance.now() - started;
    expect(exit, child.output()).toEqual({ code: 0, signal: null });
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(6000);
    await stuck.closed;
    console.info(`stuck request: process exited ${Math.round(took)} ms after SIGTERM (SHUTDOWN_TIMEOUT_MS=1500)`);
  });
});

describe("kill -9 under load", () => {
  it("when the process is killed hard mid-load and restarted, then every 2xx a client received has its audit event, and every created record exists", async () => {
    const child = await start();
    const gw = await asTestGateway(child);
    const access: DealerWithAccess = await dealerWithAccess(gw);
    const received: { id: string; status: number; kind: string; body?: Record<string, unknown> }[] = [];
    let counter = 0;
    let running = true;

    const worker = async (n: number) => {
      while (running) {
        const id = `load-${n}-${counter++}`;
        const kind = ["read", "lookup", "create"][counter % 3]!;
        const request: RawRequest = kind === "read"
          ? { method: "GET", path: `/v1/customers/${access.customer.id}?purpose=service_delivery`, headers: { Authorization: `Bearer ${access.token}`, "X-Request-Id": id } }
          : kind === "lookup"
            ? { method: "POST", path: "/v1/customers/lookup?purpose=service_delivery", headers: { Authorization: `Bearer ${access.token}`, "Content-Type": "application/json", "X-Request-Id": id }, body: JSON.stringify({ email: access.customer.email }) }
            : { method: "POST", path: "/v1/admin/customers", headers: { Authorization: `Bearer ${gw.token}`, "Content-Type": "application/json", "X-Request-Id": id }, body: JSON.stringify(customerRecord()) };
        try {
          const response = await send(child.url, request, 5000);
          received.push({ id, status: response.status, kind, body: response.json });
        } catch {
          return;
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_, n) => worker(n));
    await sleep(1500);
    child.process.kill("SIGKILL");
    expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });
    running = false;
    await Promise.all(workers);

    const ok = received.filter((response) => response.status >= 200 && response.status < 300);
    expect(ok.length).toBeGreaterThan(20);
    expect(received.filter((response) => response.status >= 500)).toEqual([]);
    await withDatabase(async (dataSource) => {
      const rows: { request_id: string; status: number | string }[] = await dataSource.query(
        `SELECT request_id, status FROM audit_events WHERE request_id IN (${ok.map(() => "?").join(", ")})`, ok.map((response) => response.id),
      );
      const audited = new Map(rows.map((row) => [row.request_id, Number(row.status)]));
      const missing = ok.filter((response) => audited.get(response.id) !== response.status).map((response) => `${response.kind} ${response.id}`);
      expect(missing).toEqual([]);
      const created = ok.filter((response) => response.kind === "create").map((response) => String(response.body?.id));
      const found: { id: string }[] = await dataSource.query(`SELECT id FROM customers WHERE id IN (${created.map(() => "?").join(", ")})`, created);
      expect(found).toHaveLength(created.length);
    });
    console.info(`kill -9: ${received.length} answers before the kill, ${ok.length} of them 2xx, all audited`);

    const again = await start();
    const restarted = await asTestGateway(again);
    await restarted.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(access.token, { type: "bearer" }).expect(200);
    const verify = await restarted.http.get("/v1/audit/verify").auth(restarted.token, { type: "bearer" });
    expect(verify.status, verify.text).toBe(200);
    expect(verify.body.ok).toBe(true);
  });
});
