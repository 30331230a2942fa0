import { startTestGateway } from "./support/gateway";
import type { Response, Test } from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCredential, createCustomer, createDealer, dealerToken, putGrant, recordConsent, type CustomerBody, type DealerBody } from "./support/fixtures";
import type { TestGateway } from "./support/gateway";
import { asAdmin, rawAuditText, SERVICE_DELIVERY_FIELDS, theAuditOf } from "./dealer-api.support";

let gw: TestGateway;
let dealer: DealerBody;
let token: string;
beforeAll(async () => {
  gw = await startTestGateway();
  dealer = await createDealer(gw);
  await putGrant(gw, dealer.id, "service_delivery");
  token = await dealerToken(gw, await createCredential(gw, dealer.id));
});
afterAll(async () => {
  await gw?.stop();
});

const lookup = (body: object, purpose = "service_delivery", bearer = token) =>
  gw.http.post("/v1/customers/lookup").query({ purpose }).auth(bearer, { type: "bearer" }).send(body);
const list = (query: Record<string, string | number | undefined>, bearer = token): Test => gw.http.get("/v1/customers").query(query).auth(bearer, { type: "bearer" });

async function consentingCustomer(overrides: Record<string, unknown> = {}): Promise<{ customer: CustomerBody; consentId: string }> {
  const customer = await createCustomer(gw, overrides);
  const consent = await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
  return { customer, consentId: consent.id };
}

describe("POST /v1/customers/lookup", () => {
  it("when the email differs only in case and spacing, then the consenting customer matches, and the audit holds ids, not the email", async () => {
    const { customer, consentId } = await consentingCustomer();
    const response = await lookup({ email: `  ${customer.email!.toUpperCase()} ` }).expect(200);
    expect(response.body.matches).toHaveLength(1);
    const [match] = response.body.matches;
    expect(match).toMatchObject({ id: customer.id, purpose: "service_delivery", consent: { id: consentId, expiresAt: null } });
    expect(Object.keys(match.data).sort()).toEqual([...SERVICE_DELIVERY_FIELDS].sort());

    const event = await theAuditOf(gw, response);
    expect(event).toMatchObject({ action: "customer.lookup", decision: "allow", status: 200, customer_id: customer.id, consent_id: consentId, purpose: "service_delivery" });
    expect(event.grant_id).toBeTruthy();
    expect(event.detail).toMatchObject({ by: "email", customerIds: [customer.id], consentIds: [consentId] });
    expect((await rawAuditText(gw, response)).toLowerCase()).not.toContain(customer.email!.toLowerCase());
  });

  it("when the phone is written in another notation, then it is matched after E.164 normalisation, and the audit holds no number", async () => {
    const { customer } = await consentingCustomer({ phone: "+33612345678" });
    for (const phone of ["+33 6 12 34 56 78", "0033 (6) 12-34-56-78", "+33.6.12.34.56.78"]) {
      const response = await lookup({ phone }).expect(200);
      expect(response.body.matches.map((m: { id: string }) => m.id)).toEqual([customer.id]);
      const raw = await rawAuditText(gw, response);
      expect(raw).not.toContain("33612345678");
      expect(raw).not.toContain("12 34 56 78");
    }
  });

  it("when the customer has not consented to this dealer, or is restricted, then it is simply absent, and the audit keeps the reason", async () => {
    const unconsented = await createCustomer(gw);
    const empty = await lookup({ email: unconsented.email }).expect(200);
    expect(empty.body).toEqual({ matches: [] });
    expect((await theAuditOf(gw, empty)).detail).toMatchObject({ customerIds: [], withheld: [{ customerId: unconsented.id, reason: "consent_missing" }] });

    const { customer: restricted } = await consentingCustomer();
    await asAdmin(gw, "post", `/v1/admin/customers/${restricted.id}/restrict`).then((r) => expect(r.status).toBe(200));
    const none = await lookup({ email: restricted.email }).expect(200);
    expect(none.body).toEqual({ matches: [] });
    expect((await theAuditOf(gw, none)).detail).toMatchObject({ withheld: [{ customerId: restricted.id, reason: "customer_restricted" }] });
  });

  it("when another dealer looks up this dealer's customer, then it finds nothing", async () => {
    const { customer } = await consentingCustomer();
    const other = await createDealer(gw);
    await putGrant(gw, other.id, "service_delivery");
    const otherToken = await dealerToken(gw, await createCredential(gw, other.id));
    const response = await lookup({ email: customer.email }, "service_delivery", otherToken).expect(200);
    expect(response.body).toEqual({ matches: [] });
  });

  it("when the body names both, neither, an unknown field, or a malformed value, then 400 and the refusal is audited", async () => {
    for (const body of [{ email: "a@example.com", phone: "+33612345678" }, {}, { email: "a@example.com", name: "x" }, { email: "not-an-email" }, { phone: "12" }, { email: 42 }]) {
      const response = await lookup(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.code).toBe("validation_failed");
      expect(await theAuditOf(gw, response)).toMatchObject({ action: "customer.lookup", decision: "deny", reason: "validation_failed" });
    }
  });

  it("when the purpose is unknown or not granted, then 400 or 403 with no matches", async () => {
    const { customer } = await consentingCustomer();
    const unknown = await lookup({ email: customer.email }, "marketing").expect(400);
    expect(unknown.body.code).toBe("invalid_purpose");
    const ungranted = await lookup({ email: customer.email }, "record_accuracy").expect(403);
    expect(ungranted.body.code).toBe("purpose_not_granted");
    expect(ungranted.body.matches).toBeUndefined();
    expect(await theAuditOf(gw, ungranted)).toMatchObject({ decision: "deny", reason: "purpose_not_granted" });
  });
});

describe("GET /v1/customers: the consenting customers, keyset-paged", () => {
  it("when the dealer pages through, then it gets every consenting customer once, none withdrawn or restricted or erased, and no totals", async () => {
    const own = await createDealer(gw);
    await putGrant(gw, own.id, "relationship_management");
    const ownToken = await dealerToken(gw, await createCredential(gw, own.id));
    const consenting: string[] = [];
    for (let i = 0; i < 5; i++) {
      const customer = await createCustomer(gw);
      await recordConsent(gw, customer.id, { dealerId: own.id, purposes: ["relationship_management"] });
      consenting.push(customer.id);
    }
    const [withdrawnId, restrictedId, erasedId] = consenting.splice(0, 3) as [string, string, string];
    const consents = await gw.dataSource.query("SELECT consent_id FROM consent_purposes WHERE customer_id = ?", [withdrawnId]);
    await asAdmin(gw, "post", `/v1/admin/consents/${consents[0].consent_id}/withdraw`, {}).then((r) => expect(r.status).toBe(200));
    await asAdmin(gw, "post", `/v1/admin/customers/${restrictedId}/restrict`).then((r) => expect(r.status).toBe(200));
    await asAdmin(gw, "post", `/v1/admin/customers/${erasedId}/erase`).then((r) => expect(r.status).toBe(200));
    for (let i = 0; i < 3; i++) {
      const customer = await createCustomer(gw);
      await recordConsent(gw, customer.id, { dealerId: own.id, purposes: ["relationship_management"] });
      consenting.push(customer.id);
    }
    await recordConsent(gw, consenting[0]!, { dealerId: own.id, purposes: ["relationship_management", "service_delivery"] });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: Response = await list({ purpose: "relationship_management", limit: 2, ...(cursor ? { cursor } : {}) }, ownToken).expect(200);
      expect(Object.keys(response.body).sort()).toEqual(["items", "nextCursor"]);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      for (const item of response.body.items) {
        expect(Object.keys(item.data).every((field) => ["name", "preferredLanguage", "preferredBoutique", "interests"].includes(field))).toBe(true);
        seen.push(item.id);
      }
      const event = await theAuditOf(gw, response);
      expect(event).toMatchObject({ action: "customer.list", decision: "allow", purpose: "relationship_management" });
      expect(event.grant_id).toBeTruthy();
      expect(event.detail).toMatchObject({
        count: response.body.items.length,
        customerIds: response.body.items.map((item: { id: string }) => item.id),
        consentIds: response.body.items.map((item: { consent: { id: string } }) => item.consent.id),
      });
      cursor = response.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...consenting].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("when the cursor is not one the gateway issued, then 400 and the refusal is audited", async () => {
    const eventCursor = Buffer.from("event:5").toString("base64url");
    for (const cursor of ["garbage!", "bm90LWEtY3Vyc29y", eventCursor, Buffer.from("customer:not-a-uuid").toString("base64url")]) {
      const response = await list({ purpose: "service_delivery", cursor });
      expect(response.status, cursor).toBe(400);
      expect(response.body.code).toBe("validation_failed");
      expect(await theAuditOf(gw, response)).toMatchObject({ action: "customer.list", decision: "deny", reason: "validation_failed" });
    }
  });

  it("when the limit is zero, above 500 or not a number, then 400; when absent, up to 100", async () => {
    for (const limit of ["0", "501", "ten", "-1", "1.5"]) {
      expect((await list({ purpose: "service_delivery", limit })).status, limit).toBe(400);
    }
    await list({ purpose: "service_delivery", limit: 500 }).expect(200);
    const response = await list({ purpose: "service_delivery" }).expect(200);
    expect(response.body.items.length).toBeLessThanOrEqual(100);
  });

  it("when the purpose is missing or not granted, then 400 invalid_purpose or 403 purpose_not_granted", async () => {
    expect((await list({}).expect(400)).body.code).toBe("invalid_purpose");
    expect((await list({ purpose: "in_store_experience" }).expect(403)).body.code).toBe("purpose_not_granted");
  });

  it("when another dealer lists, then it never sees this dealer's customers", async () => {
    const { customer } = await consentingCustomer();
    const other = await createDealer(gw);
    await putGrant(gw, other.id, "service_delivery");
    const otherToken = await dealerToken(gw, await createCredential(gw, other.id));
    const response = await list({ purpose: "service_delivery", limit: 500 }, otherToken).expect(200);
    expect(response.body.items.map((item: { id: string }) => item.id)).not.toContain(customer.id);
    expect(response.body).toEqual({ items: [], nextCursor: null });
  });
});
