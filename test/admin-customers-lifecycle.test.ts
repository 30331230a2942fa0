import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, createDealer, recordConsent, type CustomerBody } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";

let gw: TestGateway;
let auth: { Authorization: string };
beforeAll(async () => {
  gw = await startTestGateway();
  auth = { Authorization: `Bearer ${await gw.adminToken()}` };
});
afterAll(async () => {
  await gw?.stop();
});

interface FeedRow { dealer_id: string; type: string; customer_id: string | null }
const feedOf = (customerId: string): Promise<FeedRow[]> =>
  gw.dataSource.query("SELECT dealer_id, type, customer_id FROM dealer_events WHERE customer_id = ? ORDER BY seq", [customerId]);

interface AuditRow { action: string; customer_id: string | null; decision: string; detail: string | null }
const auditOf = (response: { headers: Record<string, string> }): Promise<AuditRow[]> =>
  gw.dataSource.query("SELECT action, customer_id, decision, detail FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]]);

const rawRow = async (id: string): Promise<Record<string, unknown>> => {
  const rows: Record<string, unknown>[] = await gw.dataSource.query("SELECT * FROM customers WHERE id = ?", [id]);
  return rows[0]!;
};

/** A customer who consented to one dealer (twice, for two purposes), next to a dealer it never consented to. */
async function consentingCustomer(): Promise<{ customer: CustomerBody; consentedDealerId: string; otherDealerId: string }> {
  const consented = await createDealer(gw);
  const other = await createDealer(gw);
  const customer = await createCustomer(gw);
  await recordConsent(gw, customer.id, { dealerId: consented.id, purposes: ["service_delivery"] });
  await recordConsent(gw, customer.id, { dealerId: consented.id, purposes: ["in_store_experience"] });
  return { customer, consentedDealerId: consented.id, otherDealerId: other.id };
}

describe("restricting a customer", () => {
  it("when a customer is restricted, then it reads as restricted and only the dealers it consented to are told, once", async () => {
    const { customer, consentedDealerId, otherDealerId } = await consentingCustomer();
    const response = await gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(auth).expect(200);
    const at = gw.clock.read().toISOString();
    expect(response.body).toMatchObject({ id: customer.id, status: "restricted", restrictedAt: at, email: customer.email });
    expect(await rawRow(customer.id)).toMatchObject({ status: "restricted", restricted_at: at });
    const feed = await feedOf(customer.id);
    expect(feed.filter((event) => event.type === "customer.restricted")).toEqual([{ dealer_id: consentedDealerId, type: "customer.restricted", customer_id: customer.id }]);
    expect(feed.some((event) => event.dealer_id === otherDealerId)).toBe(false);
    const events = await auditOf(response);
    expect(events).toMatchObject([{ action: "customer.restrict", customer_id: customer.id, decision: "allow" }]);
    expect(JSON.parse(events[0]!.detail!)).toEqual({ notifiedDealerIds: [consentedDealerId] });
  });

  it("when a restricted customer is restricted again, then 409 and dealers are not told twice", async () => {
    const { customer } = await consentingCustomer();
    await gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(auth).expect(200);
    const feedBefore = await feedOf(customer.id);
    const response = await gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(auth).expect(409);
    expect(response.body.code).toBe("conflict");
    expect(await feedOf(customer.id)).toEqual(feedBefore);
    expect(await auditOf(response)).toEqual([]);
  });

  it("when a restricted customer is unrestricted, then it is active again and the change is audited", async () => {
    const customer = await createCustomer(gw);
    await gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(auth).expect(200);
    const response = await gw.http.post(`/v1/admin/customers/${customer.id}/unrestrict`).set(auth).expect(200);
    expect(response.body).toMatchObject({ status: "active", restrictedAt: null });
    expect(await rawRow(customer.id)).toMatchObject({ status: "active", restricted_at: null });
    expect(await auditOf(response)).toMatchObject([{ action: "customer.unrestrict", customer_id: customer.id }]);
  });

  it("when an active customer is unrestricted, then 409", async () => {
    const customer = await createCustomer(gw);
    expect((await gw.http.post(`/v1/admin/customers/${customer.id}/unrestrict`).set(auth).expect(409)).body.code).toBe("conflict");
  });

  it("when a restricted customer is patched, then the rectification is allowed and it stays restricted", async () => {
    const customer = await createCustomer(gw);
    await gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(auth).expect(200);
    const response = await gw.http.patch(`/v1/admin/customers/${customer.id}`).set(auth).send({ preferredBoutique: "Genève" }).expect(200);
    expect(response.body).toMatchObject({ status: "restricted", preferredBoutique: "Genève" });
  });
});

describe("erasing a customer", () => {
  it("when a customer is erased, then no personal data remains in its row, a tombstone is shown and consented dealers are told", async () => {
    const { customer, consentedDealerId, otherDealerId } = await consentingCustomer();
    const before = await rawRow(customer.id);
    const response = await gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(auth).expect(200);
    const at = gw.clock.read().toISOString();
    const tombstone = { id: customer.id, status: "erased", createdAt: before.created_at, erasedAt: at };
    expect(response.body).toEqual(tombstone);

    const row = await rawRow(customer.id);
    expect(row).toMatchObject({ status: "erased", external_ref: null, profile: null, email_normalized: null, phone: null, erased_at: at });
    const rowText = JSON.stringify(row).toLowerCase();
    for (const personal of [customer.email!, customer.phone!, customer.externalRef, customer.name.family, customer.name.given]) {
      expect(rowText).not.toContain(personal.toLowerCase());
    }

    const feed = await feedOf(customer.id);
    expect(feed.filter((event) => event.type === "customer.erased")).toEqual([{ dealer_id: consentedDealerId, type: "customer.erased", customer_id: customer.id }]);
    expect(feed.some((event) => event.dealer_id === otherDealerId)).toBe(false);
    const events = await auditOf(response);
    expect(events).toMatchObject([{ action: "customer.erase", customer_id: customer.id, decision: "allow" }]);
    expect(JSON.parse(events[0]!.detail!)).toEqual({ notifiedDealerIds: [consentedDealerId], endedConsentIds: expect.arrayContaining([expect.any(String)]) });

    expect((await gw.http.get(`/v1/admin/customers/${customer.id}`).set(auth).expect(200)).body).toEqual(tombstone);
    expect((await gw.http.get("/v1/admin/customers").query({ externalRef: customer.externalRef }).set(auth).expect(200)).body).toEqual({ items: [] });
    expect((await gw.http.get("/v1/admin/customers").query({ email: customer.email }).set(auth).expect(200)).body).toEqual({ items: [] });
  });

  it("when a restricted customer is erased, then it is erased", async () => {
    const customer = await createCustomer(gw);
    await gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(auth).expect(200);
    await gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(auth).expect(200);
    expect(await rawRow(customer.id)).toMatchObject({ status: "erased", restricted_at: null, profile: null });
  });

  it("when an erased customer is erased, patched, restricted or unrestricted again, then 409 and the tombstone is unchanged", async () => {
    const { customer } = await consentingCustomer();
    await gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(auth).expect(200);
    const row = await rawRow(customer.id);
    const feed = await feedOf(customer.id);
    gw.clock.advance(60_000);
    const attempts = [
      gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(auth),
      gw.http.patch(`/v1/admin/customers/${customer.id}`).set(auth).send({ name: { given: "Back", family: "Again" } }),
      gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(auth),
      gw.http.post(`/v1/admin/customers/${customer.id}/unrestrict`).set(auth),
    ];
    for (const attempt of attempts) {
      const response = await attempt;
      expect(response.status).toBe(409);
      expect(response.body.code).toBe("conflict");
    }
    expect(await rawRow(customer.id)).toEqual(row);
    expect(await feedOf(customer.id)).toEqual(feed);
  });

  it("when the customer's audit trail is read after erasure, then it holds ids only, no personal data", async () => {
    const customer = await createCustomer(gw);
    await gw.http.get(`/v1/admin/customers/${customer.id}`).set(auth).expect(200);
    await gw.http.get("/v1/admin/customers").query({ email: customer.email }).set(auth).expect(200);
    await gw.http.patch(`/v1/admin/customers/${customer.id}`).set(auth).send({ name: { given: "Amélie", family: "Nouveau" } }).expect(200);
    await gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(auth).expect(200);
    const events: Record<string, unknown>[] = await gw.dataSource.query("SELECT * FROM audit_events WHERE customer_id = ?", [customer.id]);
    expect(events.map((event) => event.action)).toEqual(["customer.create", "customer.view", "customer.search", "customer.update", "customer.erase"]);
    const text = JSON.stringify(events).toLowerCase();
    for (const personal of [customer.email!, customer.phone!, customer.externalRef, customer.name.family, "nouveau"]) expect(text).not.toContain(personal.toLowerCase());
  });
});

describe("lifecycle input", () => {
  it.each(["restrict", "unrestrict", "erase"])("when %s names an unknown customer, then 404; a malformed id, then 400; a body, then 400", async (action) => {
    await gw.http.post(`/v1/admin/customers/7c0e4b1e-5a0e-4f43-9d0a-1d7b0c0e0f00/${action}`).set(auth).expect(404);
    await gw.http.post(`/v1/admin/customers/12345/${action}`).set(auth).expect(400);
    const customer = await createCustomer(gw);
    const response = await gw.http.post(`/v1/admin/customers/${customer.id}/${action}`).set(auth).send({ reason: "asked by phone" }).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(await rawRow(customer.id)).toMatchObject({ status: "active" });
  });
});
