import { randomUUID } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCustomer, theAuditOf } from "./dealer-api.support";
import { createCredential, dealerToken, dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";

/**
 * Abuse limits: the per-client limit holds across gateway processes when they share Redis, and a
 * dealer can look up only so many emails or phones a minute, so enumerating the customer base is
 * impractical. A Redis outage lets requests through rather than failing them.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function redisReachable(url = REDIS_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port || 6379), hostname);
    socket.setTimeout(1000);
    socket.once("connect", () => (socket.end(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

const lookup = (gw: TestGateway, token: string, email: string) =>
  gw.http.post("/v1/customers/lookup?purpose=service_delivery").auth(token, { type: "bearer" }).send({ email });

describe("per-client lookup limit (LOOKUP_RATE_LIMIT_PER_MINUTE)", () => {
  let gw: TestGateway;
  let access: DealerWithAccess;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { LOOKUP_RATE_LIMIT_PER_MINUTE: "3" } });
    access = await dealerWithAccess(gw);
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("when a client looks up more addresses than its limit, then 429 with Retry-After, audited as a refused lookup, and no matches", async () => {
    for (let i = 0; i < 3; i++) expect((await lookup(gw, access.token, `guess-${i}@example.com`)).status).toBe(200);
    const refused = await lookup(gw, access.token, access.customer.email!);
    expect(refused.status).toBe(429);
    expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: "rate_limited" });
    expect(refused.body.matches).toBeUndefined();
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(await theAuditOf(gw, refused)).toMatchObject({ action: "customer.lookup", decision: "deny", reason: "rate_limited", status: 429, actor_id: access.credential.clientId });
  });

  it("when the lookup limit is spent, then reads, lists and the feed still work: only lookups are counted", async () => {
    await readCustomer(gw, access.token, access.customer.id).expect(200);
    await gw.http.get("/v1/customers?purpose=service_delivery").auth(access.token, { type: "bearer" }).expect(200);
    await gw.http.get("/v1/consent-events").auth(access.token, { type: "bearer" }).expect(200);
  });

  it("when another credential looks up, then it has its own allowance", async () => {
    const token = await dealerToken(gw, await createCredential(gw, access.dealer.id));
    expect((await lookup(gw, token, access.customer.email!)).status).toBe(200);
  });
});

describe("a limit shared by several gateways through Redis (RATE_LIMIT_REDIS_URL)", async () => {
  const available = await redisReachable();
  let a: TestGateway;
  let b: TestGateway;
  let access: DealerWithAccess;
  beforeAll(async () => {
    if (!available) return;
    // A prefix of its own, so that no other run's counters are shared.
    const env = { RATE_LIMIT_REDIS_URL: REDIS_URL, RATE_LIMIT_REDIS_PREFIX: `gw-test-${randomUUID()}:`, RATE_LIMIT_PER_MINUTE: "6", LOOKUP_RATE_LIMIT_PER_MINUTE: "2" };
    a = await startTestGateway({ env });
    b = await startTestGateway({ env, database: a.database, clock: a.clock });
    access = await dealerWithAccess(a);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it.skipIf(!available)("when one client spreads its calls over two gateways, then the second gateway refuses once the shared count is spent", async () => {
    // The lookup limit (2) is shared too: one lookup on each gateway spends it.
    expect((await lookup(a, access.token, "one@example.com")).status).toBe(200);
    expect((await lookup(b, access.token, "two@example.com")).status).toBe(200);
    const lookupRefused = await lookup(a, access.token, "three@example.com");
    expect(lookupRefused.status).toBe(429);
    // The general limit (6) counted those three lookups; three reads more spend it.
    await readCustomer(a, access.token, access.customer.id).expect(200);
    await readCustomer(b, access.token, access.customer.id).expect(200);
    await readCustomer(a, access.token, access.customer.id).expect(200);
    const refused = await readCustomer(b, access.token, access.customer.id);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(await theAuditOf(b, refused)).toMatchObject({ action: "dealer.throttle", reason: "rate_limited", status: 429 });
    expect((await readCustomer(a, access.token, access.customer.id)).status).toBe(429);
  });

  it.skipIf(!available)("when another client calls, then its count is its own, on both gateways", async () => {
    const token = await dealerToken(a, await createCredential(a, access.dealer.id));
    await readCustomer(a, token, access.customer.id).expect(200);
    await readCustomer(b, token, access.customer.id).expect(200);
  });
});

describe("when the shared store is unreachable", () => {
  let gw: TestGateway;
  let access: DealerWithAccess;
  beforeAll(async () => {
    const closed = net.createServer();
    const port = await new Promise<number>((resolve) => closed.listen(0, "127.0.0.1", () => resolve((closed.address() as net.AddressInfo).port)));
    await new Promise((resolve) => closed.close(resolve));
    gw = await startTestGateway({ env: { RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_PER_MINUTE: "1" } });
    access = await dealerWithAccess(gw);
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("then requests are let through quickly, never a 5xx and never a hang", async () => {
    const started = performance.now();
    for (let i = 0; i < 5; i++) await readCustomer(gw, access.token, access.customer.id).expect(200);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
