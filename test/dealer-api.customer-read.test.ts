import { startTestGateway } from "./support/gateway";
import { randomUUID } from "node:crypto";
import { PURPOSE_IDS } from "../src/purposes/policy-purposes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCredential, createCustomer, createDealer, customerRecord, dealerToken, dealerWithAccess, putGrant, recordConsent, type DealerWithAccess,
} from "./support/fixtures";
import type { TestGateway } from "./support/gateway";
import { asAdmin, rawAuditText, readCustomer, SERVICE_DELIVERY_FIELDS, theAuditOf, withoutRequestId } from "./dealer-api.support";

let gw: TestGateway;
let access: DealerWithAccess;
beforeAll(async () => {
  gw = await startTestGateway();
  access = await dealerWithAccess(gw, "service_delivery");
});
afterAll(async () => {
  await gw?.stop();
});

const MINUTE = 60_000;
const inMinutes = (minutes: number) => new Date(gw.clock.now.getTime() + minutes * MINUTE).toISOString();

describe("GET /v1/customers/{id}: the allowed, purpose-scoped read", () => {
  it("when the dealer holds grant and consent, then exactly the purpose's fields come back, and the audit names consent, grant and fields", async () => {
    const response = await readCustomer(gw, access.token, access.customer.id).expect(200);
    expect(response.body).toEqual({
      id: access.customer.id,
      purpose: "service_delivery",
      data: expect.any(Object),
      consent: { id: access.consent.id, expiresAt: null },
    });
    expect(Object.keys(response.body.data).sort()).toEqual([...SERVICE_DELIVERY_FIELDS].sort());
    expect(response.body.data.email).toBe(access.customer.email);
    expect(response.headers["cache-control"]).toBe("no-store");

    const event = await theAuditOf(gw, response);
    expect(event).toMatchObject({
      action: "customer.read", actor_type: "dealer", actor_id: access.credential.clientId, decision: "allow", status: 200,
      dealer_id: access.dealer.id, customer_id: access.customer.id, purpose: "service_delivery", consent_id: access.consent.id, grant_id: access.grant.id,
    });
    expect([...event.fields!].sort()).toEqual([...SERVICE_DELIVERY_FIELDS].sort());
    const raw = await rawAuditText(gw, response);
    expect(raw).not.toContain(access.customer.email!);
    expect(raw).not.toContain(access.customer.name.family);
  });

  it("when the grant names fields, then only those of the purpose's fields come back, and the audit lists just those", async () => {
    const own = await dealerWithAccess(gw, "record_accuracy");
    const narrowed = await putGrant(gw, own.dealer.id, "record_accuracy", { fields: ["name", "birthDate"] });
    const response = await readCustomer(gw, own.token, own.customer.id, "record_accuracy").expect(200);
    expect(Object.keys(response.body.data).sort()).toEqual(["birthDate", "name"]);
    const event = await theAuditOf(gw, response);
    expect(event).toMatchObject({ grant_id: narrowed.id, consent_id: own.consent.id });
    expect([...event.fields!].sort()).toEqual(["birthDate", "name"]);
  });

  it("when the record lacks an allowed field, then the key is absent, not null", async () => {
    const dealer = access.dealer;
    const { email: _email, phone: _phone, ...record } = customerRecord();
    const sparse = await createCustomer(gw, { ...record, email: undefined, phone: undefined });
    const consent = await recordConsent(gw, sparse.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
    const response = await readCustomer(gw, access.token, sparse.id).expect(200);
    expect(response.body.data).not.toHaveProperty("email");
    expect(response.body.data).not.toHaveProperty("phone");
    expect(JSON.stringify(response.body.data)).not.toContain("null");
    expect(response.body.consent.id).toBe(consent.id);
    expect((await theAuditOf(gw, response)).fields).not.toContain("email");
  });

  it("when the consent has an expiry, then the response states it", async () => {
    const customer = await createCustomer(gw);
    const expiresAt = inMinutes(60 * 24 * 30);
    const consent = await recordConsent(gw, customer.id, { dealerId: access.dealer.id, purposes: ["service_delivery"], expiresAt });
    const response = await readCustomer(gw, access.token, customer.id).expect(200);
    expect(response.body.consent).toEqual({ id: consent.id, expiresAt });
  });
});

describe("GET /v1/customers/{id}: every customer-level refusal is the same 404", () => {
  it("when the customer is unknown, erased, restricted, unconsented, withdrawn, expired, consented for another purpose or dealer, or the id is malformed, then the bodies match and only the audit tells why", async () => {
    const { dealer, token } = access;
    const consented = async (purposes: ("service_delivery" | "record_accuracy")[] = ["service_delivery"], expiresAt?: string, dealerId = dealer.id) => {
      const customer = await createCustomer(gw);
      const consent = await recordConsent(gw, customer.id, { dealerId, purposes, ...(expiresAt ? { expiresAt } : {}) });
      return { customer, consent };
    };
    const erased = await consented();
    await asAdmin(gw, "post", `/v1/admin/customers/${erased.customer.id}/erase`).then((r) => expect(r.status).toBe(200));
    const restricted = await consented();
    await asAdmin(gw, "post", `/v1/admin/customers/${restricted.customer.id}/restrict`).then((r) => expect(r.status).toBe(200));
    const withdrawn = await consented();
    await asAdmin(gw, "post", `/v1/admin/consents/${withdrawn.consent.id}/withdraw`, {}).then((r) => expect(r.status).toBe(200));
    const expiring = await consented(["service_delivery"], inMinutes(1));
    const otherPurpose = await consented(["record_accuracy"]);
    const otherDealer = await consented(["service_delivery"], undefined, (await createDealer(gw)).id);
    const unconsented = await createCustomer(gw);
    gw.clock.advance(2 * MINUTE);

    const cases: [string, string, string | null][] = [
      ["unknown", randomUUID(), "customer_unknown"],
      ["malformed", "not-a-uuid", "customer_unknown"],
      ["erased", erased.customer.id, "customer_erased"],
      ["restricted", restricted.customer.id, "customer_restricted"],
      ["unconsented", unconsented.id, "consent_missing"],
      ["withdrawn", withdrawn.customer.id, "consent_withdrawn"],
      ["expired", expiring.customer.id, "consent_expired"],
      ["other purpose", otherPurpose.customer.id, "consent_missing"],
      ["other dealer", otherDealer.customer.id, "consent_missing"],
    ];
    const bodies: unknown[] = [];
    for (const [name, id, reason] of cases) {
      const response = await readCustomer(gw, token, id);
      expect(response.status, name).toBe(404);
      expect(response.headers["content-type"], name).toMatch(/application\/problem\+json/);
      bodies.push(withoutRequestId(response.body));
      const event = await theAuditOf(gw, response);
      expect(event, name).toMatchObject({ action: "customer.read", decision: "deny", status: 404, reason, purpose: "service_delivery", consent_id: null, fields: null });
      expect(event.customer_id, name).toBe(name === "malformed" ? null : id);
    }
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(bodies[0]).toMatchObject({ status: 404, code: "not_found" });
  });
});

describe("GET /v1/customers/{id}: purpose and grant errors", () => {
  it("when the purpose is missing, unknown or repeated, then 400 invalid_purpose, audited", async () => {
    const id = access.customer.id;
    const auth = { type: "bearer" as const };
    for (const request of [
      gw.http.get(`/v1/customers/${id}`).auth(access.token, auth),
      gw.http.get(`/v1/customers/${id}?purpose=marketing`).auth(access.token, auth),
      gw.http.get(`/v1/customers/${id}?purpose=service_delivery&purpose=record_accuracy`).auth(access.token, auth),
    ]) {
      const response = await request;
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("invalid_purpose");
      // The hint is true: it names exactly the purposes the gateway knows, not an endpoint the dealer may not call.
      const known: { id: string }[] = await gw.dataSource.query("SELECT id FROM purposes");
      for (const { id: purpose } of known) expect(response.body.detail).toContain(purpose);
      expect(response.body.detail).toContain(`one of ${PURPOSE_IDS.join(", ")}`);
      expect(response.body.detail).not.toContain("GET /v1/purposes");
      expect(response.body.data).toBeUndefined();
      expect(await theAuditOf(gw, response)).toMatchObject({ action: "customer.read", decision: "deny", reason: "invalid_purpose", purpose: null });
    }
  });

  it("when an unknown query parameter is sent, then 400 validation_failed names it", async () => {
    const response = await gw.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery&fields=birthDate`).auth(access.token, { type: "bearer" }).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(JSON.stringify(response.body.errors)).toContain("fields");
    expect(await theAuditOf(gw, response)).toMatchObject({ decision: "deny", reason: "validation_failed" });
  });

  it("when the dealer holds no grant for the purpose, then 403 purpose_not_granted even for an unknown customer", async () => {
    for (const id of [access.customer.id, randomUUID()]) {
      const response = await readCustomer(gw, access.token, id, "record_accuracy").expect(403);
      expect(response.body.code).toBe("purpose_not_granted");
      expect(await theAuditOf(gw, response)).toMatchObject({ decision: "deny", reason: "purpose_not_granted", purpose: "record_accuracy" });
    }
  });

  it("when the token's scope leaves out the purpose, then 403 even though the dealer holds the grant", async () => {
    const own = await dealerWithAccess(gw, "service_delivery");
    await putGrant(gw, own.dealer.id, "relationship_management");
    await recordConsent(gw, own.customer.id, { dealerId: own.dealer.id, purposes: ["relationship_management"] });
    const narrowToken = await dealerToken(gw, own.credential, "purpose:service_delivery");
    const response = await readCustomer(gw, narrowToken, own.customer.id, "relationship_management").expect(403);
    expect(response.body.code).toBe("purpose_not_granted");
    const fullToken = await dealerToken(gw, own.credential);
    await readCustomer(gw, fullToken, own.customer.id, "relationship_management").expect(200);
  });

  it("when the grant expires, then the next read is 403 purpose_not_granted", async () => {
    const own = await dealerWithAccess(gw, "in_store_experience");
    await putGrant(gw, own.dealer.id, "in_store_experience", { expiresAt: inMinutes(1) });
    await readCustomer(gw, own.token, own.customer.id, "in_store_experience").expect(200);
    gw.clock.advance(2 * MINUTE);
    const response = await readCustomer(gw, own.token, own.customer.id, "in_store_experience").expect(403);
    expect(response.body.code).toBe("purpose_not_granted");
  });
});

describe("GET /v1/customers/{id}: transfers outside the EEA and Switzerland", () => {
  it("when a US dealer has no safeguard, then 403 transfer_safeguard_missing, before any customer check", async () => {
    const us = await dealerWithAccess(gw, "service_delivery", { country: "US" });
    for (const id of [us.customer.id, randomUUID()]) {
      const response = await readCustomer(gw, us.token, id).expect(403);
      expect(response.body.code).toBe("transfer_safeguard_missing");
      expect(await theAuditOf(gw, response)).toMatchObject({ reason: "transfer_safeguard_missing" });
    }
  });

  it("when a US dealer has standard contractual clauses or a JP dealer an adequacy decision, then the read is allowed", async () => {
    const us = await dealerWithAccess(gw, "service_delivery", { country: "US", transferSafeguard: "scc" });
    await readCustomer(gw, us.token, us.customer.id).expect(200);
    const jp = await dealerWithAccess(gw, "service_delivery", { country: "JP", transferSafeguard: "adequacy" });
    await readCustomer(gw, jp.token, jp.customer.id).expect(200);
  });

  it("when a Swiss dealer has no safeguard, then the read is allowed", async () => {
    const ch = await dealerWithAccess(gw, "service_delivery", { country: "CH" });
    await readCustomer(gw, ch.token, ch.customer.id).expect(200);
  });
});

describe("GET /v1/customers/{id}: one dealer cannot reach another's customers (OWASP API1)", () => {
  it("when a second dealer with the same grant names the first dealer's customer, then the same 404, audited as consent_missing", async () => {
    const second = await createDealer(gw);
    await putGrant(gw, second.id, "service_delivery");
    const token = await dealerToken(gw, await createCredential(gw, second.id));
    const response = await readCustomer(gw, token, access.customer.id).expect(404);
    expect(response.body.code).toBe("not_found");
    expect(await theAuditOf(gw, response)).toMatchObject({ dealer_id: second.id, customer_id: access.customer.id, reason: "consent_missing" });
  });

  it("when no token or an admin token is sent, then 401 and no data", async () => {
    await gw.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).expect(401);
    const response = await gw.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(await gw.adminToken(), { type: "bearer" }).expect(401);
    expect(response.body.data).toBeUndefined();
  });
});
