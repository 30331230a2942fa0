import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../src/db/migrations";
import { createTestDatabase, TEST_DB, type TestDatabase } from "./support/databases";

/**
 * Two separate gateway processes, started at the same moment against one fresh MySQL database, as
 * docs/scaling.md describes: the migration lock lets exactly one of them migrate, both come up, and
 * every guarantee (here: sign-in, shared keys, immediate revocation) holds across them.
 */
const PASSWORD = "instances-test-password";
const ROOT = path.resolve(__dirname, "..");

interface Instance {
  child: ChildProcess;
  url: string;
  output: () => string;
}

let database: TestDatabase;
let dataDir: string;
let instances: Instance[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function startInstance(port: number, env: Record<string, string>): Instance {
  const child = spawn("npx", ["tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: path.join(dataDir, String(port)) },
    // Its own process group, so stopping it also stops what npx started.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += String(chunk)));
  child.stderr!.on("data", (chunk) => (output += String(chunk)));
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

async function waitUntilReady(instance: Instance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null) throw new Error(`gateway exited with ${instance.child.exitCode}:\n${instance.output()}`);
    const ready = await fetch(`${instance.url}/readyz`).then((response) => response.status === 200, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gateway at ${instance.url} not ready after ${timeoutMs} ms:\n${instance.output()}`);
}

async function stopInstance(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.pid === undefined) return;
  const exited = new Promise((resolve) => instance.child.once("exit", resolve));
  try {
    process.kill(-instance.child.pid, "SIGTERM");
  } catch {
    return;
  }
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (instance.child.exitCode === null) process.kill(-instance.child.pid, "SIGKILL");
}

describe.skipIf(TEST_DB !== "mysql")("several gateway processes on one MySQL database", () => {
  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-instances-"));
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const env = {
      DATABASE_URL: database.url, LOG_LEVEL: "warn", GATEWAY_ADMIN_PASSWORD: PASSWORD, GATEWAY_WORKERS: "1",
      JWT_PRIVATE_KEY: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    };
    const ports = [await freePort(), await freePort()];
    instances = ports.map((port) => startInstance(port, env));
    await Promise.all(instances.map((instance) => waitUntilReady(instance, 90_000)));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map(stopInstance));
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it("when both start at the same moment, then both come up, each migration ran once and one bootstrap admin exists", async () => {
    const mysql = await import("mysql2/promise");
    const connection = await mysql.createConnection(database.url);
    try {
      const [migrations] = await connection.query("SELECT name FROM schema_migrations");
      expect((migrations as { name: string }[]).map((row) => row.name).sort()).toEqual(MIGRATIONS.map((migration) => migration.name).sort());
      const [admins] = await connection.query("SELECT username FROM admin_users");
      expect(admins).toEqual([{ username: "admin" }]);
    } finally {
      await connection.end();
    }
    for (const instance of instances) await supertest(instance.url).get("/readyz").expect(200);
  });

  it("when a token is issued by one process, then the other accepts it, sees the same data, and enforces a revocation made on the first at once", async () => {
    const [a, b] = instances.map((instance) => supertest(instance.url)) as [supertest.Agent, supertest.Agent];
    const login = await a.post("/v1/auth/login").send({ username: "admin", password: PASSWORD }).expect(200);
    const admin = { Authorization: `Bearer ${login.body.access_token}` };
    await b.get("/v1/purposes").set(admin).expect(200);

    const dealer = (await a.post("/v1/admin/dealers").set(admin).send({ name: "Shared", country: "FR" }).expect(201)).body;
    expect((await b.get(`/v1/admin/dealers/${dealer.id}`).set(admin).expect(200)).body).toEqual(dealer);
    await b.put(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(admin).send({}).expect(201);
    const credential = (await b.post(`/v1/admin/dealers/${dealer.id}/credentials`).set(admin).send({}).expect(201)).body;
    const token = (await a.post("/oauth/token").auth(credential.clientId, credential.clientSecret).type("form").send({ grant_type: "client_credentials" }).expect(200)).body.access_token;

    await b.get("/v1/consent-events").set("Authorization", `Bearer ${token}`).expect(200);
    await a.delete(`/v1/admin/dealers/${dealer.id}/credentials/${credential.clientId}`).set(admin).expect(204);
    await b.get("/v1/consent-events").set("Authorization", `Bearer ${token}`).expect(401);
    await a.get("/v1/consent-events").set("Authorization", `Bearer ${token}`).expect(401);
  });
});
