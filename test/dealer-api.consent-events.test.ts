import { startTestGateway } from "./support/gateway";
import type { Response, Test } from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitDealerEvents } from "../src/consents/dealer-events";
import { createCredential, createCustomer, createDealer, dealerToken, dealerWithAccess, type DealerBody } from "./support/fixtures";
import type { TestGateway } from "./support/gateway";
import { asAdmin, theAuditOf } from "./dealer-api.support";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

interface FeedItem {
  id: string;
  type: string;
  customerId?: string;
  purpose?: string;
  at: string;
}

const feed = (token: string, query: Record<string, string | number | undefined> = {}): Test => gw.http.get("/v1/consent-events").query(query).auth(token, { type: "bearer" });
const ack = (token: string, body: object) => gw.http.post("/v1/consent-events/ack").auth(token, { type: "bearer" }).send(body);

async function dealerWithToken(): Promise<{ dealer: DealerBody; token: string }> {
  const dealer = await createDealer(gw);
  return { dealer, token: await dealerToken(gw, await createCredential(gw, dealer.id)) };
}

/** Appends `count` events to a dealer's feed, as the admin changes do. */
async function appendEvents(dealerId: string, count: number): Promise<void> {
  const customer = await createCustomer(gw);
  const events = Array.from({ length: count }, () => ({ dealerId, type: "consent.withdrawn" as const, customerId: customer.id, purpose: "service_delivery" }));
  await emitDealerEvents(gw.dataSource.manager, events, gw.clock.read());
}

async function wholeFeed(token: string, limit: number): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const response: Response = await feed(token, { limit, ...(cursor ? { cursor } : {}) }).expect(200);
    items.push(...response.body.items);
    cursor = response.body.nextCursor;
    if (!cursor) break;
  }
  return items;
}

describe("GET /v1/consent-events", () => {
  it("when a consent is recorded and withdrawn, then the dealer's feed shows both, oldest first, and the read is audited", async () => {
    const access = await dealerWithAccess(gw);
    await asAdmin(gw, "post", `/v1/admin/consents/${access.consent.id}/withdraw`, {}).then((r) => expect(r.status).toBe(200));
    const response = await feed(access.token).expect(200);
    const items: FeedItem[] = response.body.items;
    expect(items.map((item) => item.type)).toEqual(["consent.granted", "consent.withdrawn"]);
    for (const item of items) {
      expect(item).toEqual({ id: expect.stringMatching(/^\d+$/), type: item.type, customerId: access.customer.id, purpose: "service_delivery", at: expect.any(String) });
    }
    expect(Number(items[0]!.id)).toBeLessThan(Number(items[1]!.id));
    expect(response.body.nextCursor).toBeNull();
    const event = await theAuditOf(gw, response);
    expect(event).toMatchObject({ action: "consent_events.read", decision: "allow", dealer_id: access.dealer.id, detail: { count: 2 } });
  });

  it("when events carry no customer or purpose, then those keys are absent", async () => {
    const { dealer, token } = await dealerWithToken();
    await emitDealerEvents(gw.dataSource.manager, [{ dealerId: dealer.id, type: "grant.revoked", purpose: "service_delivery" }], gw.clock.read());
    const [item] = (await feed(token).expect(200)).body.items as FeedItem[];
    expect(Object.keys(item!).sort()).toEqual(["at", "id", "purpose", "type"]);
  });

  it("when the feed is longer than a page, then cursors walk it without gaps or repeats, and a dealer sees only its own events", async () => {
    const first = await dealerWithToken();
    const second = await dealerWithToken();
    await appendEvents(first.dealer.id, 3);
    await appendEvents(second.dealer.id, 2);
    await appendEvents(first.dealer.id, 4);
    const items = await wholeFeed(first.token, 3);
    expect(items).toHaveLength(7);
    expect(items.map((item) => Number(item.id))).toEqual([...items.map((item) => Number(item.id))].sort((a, b) => a - b));
    const own: { seq: number | string }[] = await gw.dataSource.query("SELECT seq FROM dealer_events WHERE dealer_id = ? ORDER BY seq", [first.dealer.id]);
    expect(items.map((item) => item.id)).toEqual(own.map((row) => String(row.seq)));
    expect(await wholeFeed(second.token, 500)).toHaveLength(2);
  });

  it("when the cursor or limit is bad, or the purpose unknown, then 400", async () => {
    const { token } = await dealerWithToken();
    const customerCursor = Buffer.from("customer:0b8f5a52-0d7c-4a43-8d1e-7f0f6d2d1a11").toString("base64url");
    for (const query of [{ cursor: "%%%" }, { cursor: customerCursor }, { cursor: Buffer.from("event:0").toString("base64url") }, { limit: 0 }, { limit: 501 }, { other: 1 }]) {
      const response = await feed(token, query);
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(await theAuditOf(gw, response)).toMatchObject({ action: "consent_events.read", decision: "deny" });
    }
    const unknown = (await feed(token, { purpose: "marketing" }).expect(400)).body;
    expect(unknown.code).toBe("invalid_purpose");
    expect(unknown.detail).toContain("one of service_delivery, in_store_experience, record_accuracy, relationship_management");
    expect(unknown.detail).not.toContain("GET /v1/purposes");
    await feed(token, { purpose: "service_delivery" }).expect(200);
  });
});

describe("POST /v1/consent-events/ack", () => {
  it("when the dealer acknowledges, then the acknowledgement is stored and the feed resumes after it", async () => {
    const { dealer, token } = await dealerWithToken();
    await appendEvents(dealer.id, 4);
    const items: FeedItem[] = (await feed(token).expect(200)).body.items;
    const response = await ack(token, { upTo: items[1]!.id }).expect(200);
    expect(response.body).toEqual({ upTo: items[1]!.id, ackedAt: gw.clock.read().toISOString() });
    const stored: { up_to_seq: number | string }[] = await gw.dataSource.query("SELECT up_to_seq FROM dealer_event_acks WHERE dealer_id = ?", [dealer.id]);
    expect(stored.map((row) => String(row.up_to_seq))).toEqual([items[1]!.id]);
    expect(await theAuditOf(gw, response)).toMatchObject({ action: "consent_events.ack", decision: "allow", dealer_id: dealer.id, detail: { upTo: items[1]!.id } });

    const rest: FeedItem[] = (await feed(token).expect(200)).body.items;
    expect(rest.map((item) => item.id)).toEqual(items.slice(2).map((item) => item.id));

    await ack(token, { upTo: items[1]!.id }).expect(200);
    await ack(token, { upTo: items[3]!.id }).expect(200);
    const behind = await ack(token, { upTo: items[2]!.id }).expect(409);
    expect(behind.body.code).toBe("conflict");
    expect(await theAuditOf(gw, behind)).toMatchObject({ decision: "deny", reason: "ack_behind", status: 409 });
    const after: { up_to_seq: number | string }[] = await gw.dataSource.query("SELECT up_to_seq FROM dealer_event_acks WHERE dealer_id = ?", [dealer.id]);
    expect(String(after[0]!.up_to_seq)).toBe(items[3]!.id);
  });

  it("when a dealer acknowledges another dealer's event or an unknown id, then 400 and nothing is stored (OWASP API1)", async () => {
    const owner = await dealerWithToken();
    const intruder = await dealerWithToken();
    await appendEvents(owner.dealer.id, 1);
    const [theirs] = (await feed(owner.token).expect(200)).body.items as FeedItem[];
    for (const upTo of [theirs!.id, "999999999"]) {
      const response = await ack(intruder.token, { upTo }).expect(400);
      expect(await theAuditOf(gw, response)).toMatchObject({ decision: "deny", reason: "event_unknown" });
    }
    expect(await gw.dataSource.query("SELECT * FROM dealer_event_acks WHERE dealer_id = ?", [intruder.dealer.id])).toEqual([]);
    expect((await feed(intruder.token).expect(200)).body.items).toEqual([]);
  });

  it("when the body is malformed, then 400 validation_failed", async () => {
    const { token } = await dealerWithToken();
    for (const body of [{}, { upTo: 5 }, { upTo: "abc" }, { upTo: "0" }, { upTo: "1", extra: true }]) {
      const response = await ack(token, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.code).toBe("validation_failed");
    }
  });
});
