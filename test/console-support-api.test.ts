import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditGet, eventsWhere } from "./audit.support";
import { createCredential, createCustomer, createDealer, dealerToken, putGrant, recordConsent } from "./support/fixtures";
import { ADMIN_USERNAME, startTestGateway, type TestGateway } from "./support/gateway";

/**
 * What the console needs from the API so that people work with names, not ids: names beside ids in the
 * audit events, look-ups an auditor may use to pick a dealer, a customer or an admin user, and the
 * state changes the console shows (erasure ending consents, a restriction's reason, ungranted purposes).
 */
let gw: TestGateway;
let adminToken: string;
let auditorOnly: string;
let userAdminOnly: string;

async function tokenFor(username: string, roles: string[]): Promise<string> {
  const password = "a-long-test-password-42";
  await gw.http.post("/v1/admin/users").auth(adminToken, { type: "bearer" }).send({ username, password, roles }).expect(201);
  return (await gw.http.post("/v1/auth/login").send({ username, password }).expect(200)).body.access_token;
}

beforeAll(async () => {
  gw = await startTestGateway({ env: { PRIVACY_POLICY_VERSION: "2026-01", RATE_LIMIT_PER_MINUTE: "100000" } });
  adminToken = await gw.adminToken();
  auditorOnly = await tokenFor(`auditor-${Date.now()}`, ["compliance_auditor"]);
  userAdminOnly = await tokenFor(`users-${Date.now()}`, ["user_admin"]);
});
afterAll(async () => {
  await gw?.stop();
});

const as = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("names beside ids in the audit events", () => {
  it("when events are read, then each carries the dealer's name, the actor's name and the customer's reference, and none is stored", async () => {
    const dealer = await createDealer(gw, { name: "Maison Vermeulen Amsterdam" });
    const credential = await createCredential(gw, dealer.id);
    await putGrant(gw, dealer.id, "service_delivery");
    const customer = await createCustomer(gw);
    await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
    const token = await dealerToken(gw, credential);
    await gw.http.get(`/v1/customers/${customer.id}?purpose=service_delivery`).set(as(token)).expect(200);

    const events = (await auditGet(gw, `/v1/audit/events?customerId=${customer.id}`)).body.items as Record<string, unknown>[];
    const read = events.find((event) => event.action === "customer.read")!;
    expect(read).toMatchObject({ dealerName: "Maison Vermeulen Amsterdam", actorName: "Maison Vermeulen Amsterdam", customerRef: customer.externalRef });
    const recorded = events.find((event) => event.action === "consent.record")!;
    expect(recorded).toMatchObject({ actorType: "admin", actorName: ADMIN_USERNAME, dealerName: "Maison Vermeulen Amsterdam", customerRef: customer.externalRef });

    const stored = await eventsWhere<{ detail: string | null }>(gw, "customer_id = ?", [customer.id]);
    expect(JSON.stringify(stored)).not.toContain("Maison Vermeulen");
    expect(JSON.stringify(stored)).not.toContain(customer.externalRef);
  });

  it("when the customer has been erased, then the events say so and carry no reference", async () => {
    const customer = await createCustomer(gw);
    await gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(as(adminToken)).expect(200);
    const events = (await auditGet(gw, `/v1/audit/events?customerId=${customer.id}`)).body.items as Record<string, unknown>[];
    expect(events.length).toBeGreaterThan(1);
    for (const event of events) {
      expect(event.customerErased).toBe(true);
      expect(event).not.toHaveProperty("customerRef");
    }
  });
});

describe("look-ups for pickers", () => {
  it("when an auditor types a reference, an e-mail or part of a name, then the customer comes back with id, reference and name only", async () => {
    const customer = await createCustomer(gw);
    const email = customer.email!;
    for (const q of [customer.externalRef, customer.externalRef.slice(0, 8), email.toUpperCase(), customer.name.family.toLowerCase()]) {
      const response = await gw.http.get(`/v1/admin/lookup/customers?q=${encodeURIComponent(q)}`).set(as(auditorOnly)).expect(200);
      const match = (response.body.items as Record<string, unknown>[]).find((item) => item.id === customer.id);
      expect(match, q).toEqual({ id: customer.id, externalRef: customer.externalRef, name: `Amélie ${customer.name.family}` });
    }
    const events = await eventsWhere<{ detail: string }>(gw, "action = 'lookup.customers'");
    expect(events.length).toBe(4);
    expect(JSON.parse(events[0]!.detail).ids).toContain(customer.id);
    expect(events.map((event) => event.detail).join()).not.toContain(email);
  });

  it("when the customer is erased, then no look-up finds it", async () => {
    const customer = await createCustomer(gw);
    await gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(as(adminToken)).expect(200);
    const response = await gw.http.get(`/v1/admin/lookup/customers?q=${encodeURIComponent(customer.name.family)}`).set(as(auditorOnly)).expect(200);
    expect(response.body.items).toEqual([]);
  });

  it("when an auditor types part of a dealer's or an admin user's name, then they come back by name", async () => {
    const dealer = await createDealer(gw, { name: "Horlogerie Genève Rive", country: "CH" });
    const dealers = await gw.http.get("/v1/admin/lookup/dealers?q=geneve").set(as(auditorOnly)).expect(200);
    expect(dealers.body.items).toContainEqual({ id: dealer.id, name: "Horlogerie Genève Rive", country: "CH", status: "active" });
    const users = await gw.http.get(`/v1/admin/lookup/admin-users?q=${ADMIN_USERNAME}`).set(as(auditorOnly)).expect(200);
    expect(users.body.items[0]).toEqual({ id: expect.any(String), username: ADMIN_USERNAME });
  });

  it("when the console asks by ids, then it gets the names of choices already made", async () => {
    const users = await gw.http.get(`/v1/admin/lookup/admin-users?q=${ADMIN_USERNAME}`).set(as(auditorOnly)).expect(200);
    const adminId = users.body.items[0].id as string;
    const byId = await gw.http.get(`/v1/admin/lookup/admin-users?ids=${adminId}`).set(as(adminToken)).expect(200);
    expect(byId.body.items).toEqual([{ id: adminId, username: ADMIN_USERNAME }]);
    const customer = await createCustomer(gw);
    const customers = await gw.http.get(`/v1/admin/lookup/customers?ids=${customer.id}`).set(as(auditorOnly)).expect(200);
    expect(customers.body.items).toEqual([{ id: customer.id, externalRef: customer.externalRef, name: `Amélie ${customer.name.family}` }]);
    await gw.http.get("/v1/admin/lookup/dealers?ids=not-a-uuid").set(as(auditorOnly)).expect(400);
    await gw.http.get(`/v1/admin/lookup/dealers?ids=${adminId}&q=x`).set(as(auditorOnly)).expect(400);
  });

  it("when a user admin asks, or the text is empty, then the look-up is refused", async () => {
    await gw.http.get("/v1/admin/lookup/customers?q=CRM").set(as(userAdminOnly)).expect(403);
    const empty = await gw.http.get("/v1/admin/lookup/customers?q=").set(as(auditorOnly)).expect(400);
    expect(empty.body.code).toBe("validation_failed");
  });
});

describe("state the console shows", () => {
  it("when a customer is erased, then each live consent ends with history reason erased", async () => {
    const dealer = await createDealer(gw);
    const customer = await createCustomer(gw);
    const consent = await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery", "in_store_experience"] });
    await gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(as(adminToken)).expect(200);
    const consents = (await gw.http.get(`/v1/admin/customers/${customer.id}/consents`).set(as(adminToken)).expect(200)).body.items;
    expect(consents[0].id).toBe(consent.id);
    expect(consents[0].status).toBe("withdrawn");
    expect(consents[0].history.at(-1)).toMatchObject({ action: "withdrawn", reason: "erased", purposes: ["in_store_experience", "service_delivery"] });
    const [erase] = await eventsWhere<{ detail: string }>(gw, "action = 'customer.erase' AND customer_id = ?", [customer.id]);
    expect(JSON.parse(erase!.detail).endedConsentIds).toEqual([consent.id]);
  });

  it("when a customer is restricted with a ground, then the audit event keeps it as its reason; an unknown ground is refused", async () => {
    const customer = await createCustomer(gw);
    const bad = await gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(as(adminToken)).send({ reason: "because" }).expect(400);
    expect(bad.body.errors[0].path).toBe("reason");
    await gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(as(adminToken)).send({ reason: "accuracy_contested" }).expect(200);
    const [event] = await eventsWhere<{ reason: string }>(gw, "action = 'customer.restrict' AND customer_id = ?", [customer.id]);
    expect(event!.reason).toBe("accuracy_contested");
  });

  it("when consent is recorded for a purpose the dealer holds no grant for, then it is recorded and the audit event names the purpose", async () => {
    const dealer = await createDealer(gw);
    await putGrant(gw, dealer.id, "service_delivery");
    const customer = await createCustomer(gw);
    const consent = await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery", "record_accuracy"] });
    const [event] = await eventsWhere<{ detail: string }>(gw, "action = 'consent.record' AND consent_id = ?", [consent.id]);
    expect(JSON.parse(event!.detail).ungrantedPurposes).toEqual(["record_accuracy"]);
  });

  it("when the console opens the consent form, then the configured policy version is offered", async () => {
    const response = await gw.http.get("/v1/admin/consent-defaults").set(as(adminToken)).expect(200);
    expect(response.body).toEqual({ policyVersion: "2026-01" });
  });
});
