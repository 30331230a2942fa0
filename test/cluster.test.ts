import fs from "node:fs";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataSource } from "../src/db/data-source";
import { spawnGateway, type ChildGateway } from "./support/child-gateway";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { dealerWithAccess } from "./support/fixtures";
import { ADMIN_PASSWORD, type TestGateway } from "./support/gateway";

/**
 * GATEWAY_WORKERS=2: the primary migrates and bootstraps once, then two worker processes share the
 * port. Every guarantee still holds, since each worker is a full gateway on the shared database.
 */
let database: TestDatabase;
let child: ChildGateway;
let viaCluster: TestGateway;

/** The primary's worker processes: its children but tsx's esbuild service, which runs beside it whenever tsx had a file to transpile. */
const childPids = (pid: number): number[] =>
  fs.readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number))
    .filter((child) => fs.readFileSync(`/proc/${child}/comm`, "utf8").trim() !== "esbuild");

const listeningPids = (): number[] =>
  child.output().split("\n").filter((line) => line.includes("dealer-gateway listening")).map((line) => JSON.parse(line).pid as number);

beforeAll(async () => {
  database = await createTestDatabase();
  child = await spawnGateway({ databaseUrl: database.url, env: { GATEWAY_WORKERS: "2", LOG_LEVEL: "info" } });
  const http = supertest(child.url);
  const token = (await http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(200)).body.access_token as string;
  viaCluster = { http, url: child.url, adminToken: async () => token } as unknown as TestGateway;
}, 90_000);
afterAll(async () => {
  await child?.dispose();
  await database?.drop();
});

describe.skipIf(!fs.existsSync("/proc/self/task"))("a gateway started with GATEWAY_WORKERS=2", () => {
  it("when it has started, then two workers listen, each having said so once, and the bootstrap admin exists once", async () => {
    expect(childPids(child.process.pid!), child.output()).toHaveLength(2);
    // The port answers as soon as the first worker listens; the second may still be starting.
    const deadline = Date.now() + 30_000;
    while (listeningPids().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(listeningPids()).toHaveLength(2);
    expect(new Set(listeningPids()).size).toBe(2);
    const dataSource = createDataSource(database.url, 2);
    await dataSource.initialize();
    try {
      expect(await dataSource.query("SELECT username FROM admin_users")).toEqual([{ username: "admin" }]);
    } finally {
      await dataSource.destroy();
    }
  });

  it("when a dealer reads through it, then every read is served and audited once", async () => {
    const access = await dealerWithAccess(viaCluster);
    const reads = await Promise.all(Array.from({ length: 20 }, () =>
      viaCluster.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(access.token, { type: "bearer" })));
    expect(reads.map((read) => read.status)).toEqual(reads.map(() => 200));
    const dataSource = createDataSource(database.url, 2);
    await dataSource.initialize();
    try {
      const events: { request_id: string }[] = await dataSource.query("SELECT request_id FROM audit_events WHERE action = 'customer.read' AND customer_id = ?", [access.customer.id]);
      expect(events.map((event) => event.request_id).sort()).toEqual(reads.map((read) => read.headers["x-request-id"]).sort());
    } finally {
      await dataSource.destroy();
    }
  });

  it("when it gets SIGTERM, then the workers drain and stop and the primary exits cleanly", async () => {
    const workers = childPids(child.process.pid!);
    child.process.kill("SIGTERM");
    expect(await child.exited, child.output()).toEqual({ code: 0, signal: null });
    for (const pid of workers) expect(fs.existsSync(`/proc/${pid}`), child.output()).toBe(false);
  });
});
