import { randomBytes } from "node:crypto";
import supertest from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createDataSource } from "../src/db/data-source";
import { spawnGateway, type ChildGateway } from "./support/child-gateway";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { createCustomer, createDealer, recordConsent } from "./support/fixtures";
import { ADMIN_PASSWORD, type TestGateway } from "./support/gateway";
import { startReceiver, verifies, type WebhookReceiver } from "./support/webhook-receiver";
import { eventually, putWebhook } from "./webhooks.support";

/**
 * Contract 5, durable delivery across real gateway processes: an event committed is delivered even
 * when the process that committed it is killed (kill -9) before or during the delivery, and two
 * processes sharing the outbox deliver each event once.
 */

const SECRET_KEY = randomBytes(32).toString("base64");
const env = (extra: Record<string, string> = {}) => ({
  WEBHOOK_ALLOWED_HOSTS: "127.0.0.1", WEBHOOK_POLL_INTERVAL_MS: "50", WEBHOOK_TIMEOUT_MS: "1000", WEBHOOK_SECRET_KEY: SECRET_KEY, ...extra,
});

let database: TestDatabase | undefined;
let receiver: WebhookReceiver | undefined;
const children: ChildGateway[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.dispose()));
  await receiver?.close();
  await database?.drop();
  database = undefined;
});

async function spawn(extra: Record<string, string> = {}): Promise<ChildGateway> {
  // Two processes compiling their sources at once on a busy machine can take longer than the usual 30 s.
  const child = await spawnGateway({ databaseUrl: database!.url, env: env(extra), readyTimeoutMs: 90_000 });
  children.push(child);
  return child;
}

async function viaChild(child: ChildGateway): Promise<TestGateway> {
  const http = supertest(child.url);
  const token = (await http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(200)).body.access_token as string;
  return { http, url: child.url, adminToken: async () => token } as unknown as TestGateway;
}

async function kill(child: ChildGateway): Promise<void> {
  child.process.kill("SIGKILL");
  expect((await child.exited).signal).toBe("SIGKILL");
}

async function deliveryStates(): Promise<string[]> {
  const dataSource = createDataSource(database!.url, 1);
  await dataSource.initialize();
  try {
    return (await dataSource.query("SELECT status FROM webhook_deliveries ORDER BY id")).map((row: { status: string }) => row.status);
  } finally {
    await dataSource.destroy();
  }
}

describe("crash safety", () => {
  it("when the process is killed with -9 after the commit, before and during the delivery, then another process delivers the event", async () => {
    database = await createTestDatabase();
    receiver = await startReceiver((_r, _res) => undefined);
    // A process whose dispatcher would not look before the test ends: the event is committed, not yet sent.
    const first = await spawn({ WEBHOOK_POLL_INTERVAL_MS: "600000" });
    const admin = await viaChild(first);
    const dealer = await createDealer(admin);
    const hook = await putWebhook(admin, dealer.id, receiver.url);
    const customer = await createCustomer(admin);
    await recordConsent(admin, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
    await kill(first);
    expect(await deliveryStates()).toEqual(["pending"]);

    // The next process sends it; the receiver holds the request, and that process is killed mid-delivery.
    const second = await spawn();
    await receiver.waitFor(1);
    await kill(second);
    expect(await deliveryStates()).toEqual(["pending"]);

    receiver.respond = (_r, res) => res.writeHead(200).end();
    await spawn();
    await eventually(deliveryStates, (states) => states[0] === "delivered", "the delivery after restart", 60_000);
    expect(receiver.received.length).toBe(2);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(1);
    expect(receiver.received.every((r) => verifies(hook.secret, r))).toBe(true);
  }, 300_000);
});

describe("two processes", () => {
  it("when two processes share the outbox, then each event is delivered exactly once in the normal case", async () => {
    database = await createTestDatabase();
    receiver = await startReceiver();
    const [a, b] = await Promise.all([spawn(), spawn()]);
    const [viaA, viaB] = await Promise.all([viaChild(a), viaChild(b)]);
    const dealer = await createDealer(viaA);
    await putWebhook(viaA, dealer.id, receiver.url);
    const purposes = ["service_delivery", "in_store_experience", "record_accuracy", "relationship_management"] as const;
    await Promise.all(Array.from({ length: 6 }, async (_, i) => {
      const via = i % 2 === 0 ? viaA : viaB;
      const customer = await createCustomer(via);
      await recordConsent(via, customer.id, { dealerId: dealer.id, purposes: [...purposes] });
    }));
    // Generous waits: on a busy machine two gateway processes and the database share a few cores.
    await receiver.waitFor(24, 60_000);
    await eventually(deliveryStates, (states) => states.length === 24 && states.every((s) => s === "delivered"), "every delivery settled", 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ids = receiver.received.map((r) => r.id);
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
  }, 300_000);
});
