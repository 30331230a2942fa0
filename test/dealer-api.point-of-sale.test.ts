import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, createDealer, customerRecord, dealerToken, dealerWithAccess, putGrant, recordConsent, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { asAdmin, auditOf, rawAuditText, readCustomer, theAuditOf, withoutRequestId } from "./dealer-api.support";
import { ALL_ON, BODIES, countRows, PURCHASE, storedRecord, WARRANTY, write, type WriteRoute } from "./point-of-sale.support";

/** Contract 4.1: purchases, warranties and marketing preferences registered by a dealer at the point of sale. */
let gw: TestGateway;
let writer: DealerWithAccess;
beforeAll(async () => {
  gw = await startTestGateway();
  writer = await dealerWithAccess(gw, "record_accuracy", { write: true });
});
afterAll(async () => {
  await gw?.stop();
});

const ROUTES: [WriteRoute, string, number][] = [
  ["purchases", "customer.purchase.record", 201],
  ["warranties", "customer.warranty.record", 201],
  ["marketing-preferences", "customer.marketing.update", 200],
];

describe("the write permission on grants and tokens", () => {
  it("when a record_accuracy grant allows writing, then GET grants shows it and the token carries purpose:record_accuracy:write", async () => {
    const grants = await gw.http.get(`/v1/admin/dealers/${writer.dealer.id}/grants`).auth(await gw.adminToken(), { type: "bearer" }).expect(200);
    expect(grants.body.items).toMatchObject([{ purpose: "record_accuracy", write: true }]);
    const token = await gw.http.post("/oauth/token").type("form")
      .send({ grant_type: "client_credentials", client_id: writer.credential.clientId, client_secret: writer.credential.clientSecret }).expect(200);
    expect(token.body.scope.split(" ").sort()).toEqual(["purpose:record_accuracy", "purpose:record_accuracy:write"]);
  });

  it("when write is asked for on another purpose, then the grant is refused with 400 and nothing is granted", async () => {
    const dealer = await createDealer(gw);
    const response = await asAdmin(gw, "put", `/v1/admin/dealers/${dealer.id}/grants/service_delivery`, { write: true });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("validation_failed");
    expect(await countRows(gw, "SELECT COUNT(*) AS n FROM dealer_grants WHERE dealer_id = ?", [dealer.id])).toBe(0);
  });

  it("when a grant does not name write, then it does not allow writing and the token carries only the purpose", async () => {
    const reader = await dealerWithAccess(gw, "record_accuracy");
    expect(reader.grant.write).toBe(false);
    const token = await gw.http.post("/oauth/token").type("form")
      .send({ grant_type: "client_credentials", client_id: reader.credential.clientId, client_secret: reader.credential.clientSecret }).expect(200);
    expect(token.body.scope).toBe("purpose:record_accuracy");
  });
});

describe("each route, allowed", () => {
  it("when a purchase is registered, then 201 returns it with soldBy set to the dealer's name, the CRM and every dealer's next read show it, and one audit event names the fields only", async () => {
    const response = await write(gw, writer.token, writer.customer.id, "purchases", { ...PURCHASE, soldBy: undefined }).expect(201);
    expect(response.body).toEqual({ id: expect.any(String), ...PURCHASE, soldBy: writer.dealer.name });
    const crm = await gw.http.get(`/v1/admin/customers/${writer.customer.id}`).auth(await gw.adminToken(), { type: "bearer" }).expect(200);
    expect(crm.body.purchases).toContainEqual(response.body);
    const read = await readCustomer(gw, writer.token, writer.customer.id, "record_accuracy").expect(200);
    expect(read.body.data.purchases).toContainEqual(response.body);

    const event = await theAuditOf(gw, response);
    expect(event).toMatchObject({
      action: "customer.purchase.record", decision: "allow", status: 201, dealer_id: writer.dealer.id, customer_id: writer.customer.id,
      purpose: "record_accuracy", consent_id: writer.consent.id, grant_id: writer.grant.id, fields: ["purchases"],
    });
    expect(event.detail!.changedFields).toEqual(["purchases.id", "purchases.date", "purchases.productRef", "purchases.serialNumber", "purchases.soldBy", "purchases.amount", "purchases.currency"]);
    const raw = await rawAuditText(gw, response);
    for (const value of [PURCHASE.productRef, PURCHASE.serialNumber, "41000", writer.dealer.name]) expect(raw).not.toContain(value);
  });

  it("when soldBy is sent, then the body is refused: the gateway sets it", async () => {
    const response = await write(gw, writer.token, writer.customer.id, "purchases", { ...PURCHASE, soldBy: "Someone else" }).expect(400);
    expect(response.body.code).toBe("validation_failed");
  });

  it("when a warranty is registered, then 201 returns it and the record holds it", async () => {
    const body = { ...WARRANTY, serialNumber: "SN-W-1" };
    const response = await write(gw, writer.token, writer.customer.id, "warranties", body).expect(201);
    expect(response.body).toEqual(body);
    expect((await storedRecord(gw, writer.customer.id))!.warranties).toContainEqual(body);
    expect(await theAuditOf(gw, response)).toMatchObject({ action: "customer.warranty.record", status: 201, fields: ["warranties"] });
  });

  it("when a warranty is extended, then its endsOn is replaced and the record keeps one entry per serial number", async () => {
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    const first = { ...WARRANTY, serialNumber: "SN-EXT-1" };
    await write(gw, access.token, access.customer.id, "warranties", first).expect(201);
    const extended = await write(gw, access.token, access.customer.id, "warranties", { ...first, endsOn: "2031-05-30", extended: true }).expect(201);
    expect(extended.body).toEqual({ ...first, endsOn: "2031-05-30", extended: true });
    const again = await write(gw, access.token, access.customer.id, "warranties", { ...first, endsOn: "2033-05-30", extended: true }).expect(201);
    expect(again.body.endsOn).toBe("2033-05-30");
    const warranties = (await storedRecord(gw, access.customer.id))!.warranties as { serialNumber: string; endsOn: string }[];
    expect(warranties.filter((warranty) => warranty.serialNumber === "SN-EXT-1")).toEqual([{ ...first, endsOn: "2033-05-30", extended: true }]);
    expect((await theAuditOf(gw, again)).detail!.changedFields).toEqual(["warranties.endsOn", "warranties.extended"]);
  });

  it("when a serial number under warranty is registered again without extended, then 409 and nothing changes", async () => {
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    const first = { ...WARRANTY, serialNumber: "SN-DUP-1" };
    await write(gw, access.token, access.customer.id, "warranties", first).expect(201);
    const before = await storedRecord(gw, access.customer.id);
    const response = await write(gw, access.token, access.customer.id, "warranties", { ...first, endsOn: "2040-01-01" }).expect(409);
    expect(response.body.code).toBe("conflict");
    expect(await storedRecord(gw, access.customer.id)).toEqual(before);
  });
});

describe("each route refuses as a read does, plus the write permission", () => {
  it.each(ROUTES)("when %s is called without a token, then 401", async (route) => {
    await write(gw, "not-a-token", writer.customer.id, route).expect(401);
  });

  it.each(ROUTES)("when %s names no purpose or another purpose, then 400 invalid_purpose", async (route) => {
    expect((await write(gw, writer.token, writer.customer.id, route, BODIES[route], { purpose: null }).expect(400)).body.code).toBe("invalid_purpose");
    expect((await write(gw, writer.token, writer.customer.id, route, BODIES[route], { purpose: "service_delivery" }).expect(400)).body.code).toBe("invalid_purpose");
  });

  it.each(ROUTES)("when %s comes from a dealer without a record_accuracy grant, then 403 purpose_not_granted", async (route) => {
    const other = await dealerWithAccess(gw, "service_delivery");
    await recordConsent(gw, other.customer.id, { dealerId: other.dealer.id, purposes: ["record_accuracy"] });
    const response = await write(gw, other.token, other.customer.id, route).expect(403);
    expect(response.body.code).toBe("purpose_not_granted");
  });

  it.each(ROUTES)("when %s comes under a live record_accuracy grant without write, then 403 write_not_granted and nothing is written", async (route, action) => {
    const reader = await dealerWithAccess(gw, "record_accuracy");
    const before = await storedRecord(gw, reader.customer.id);
    const response = await write(gw, reader.token, reader.customer.id, route).expect(403);
    expect(response.body.code).toBe("write_not_granted");
    expect(await storedRecord(gw, reader.customer.id)).toEqual(before);
    expect(await theAuditOf(gw, response)).toMatchObject({ action, decision: "deny", reason: "write_not_granted" });
  });

  it("when the token was asked without the write scope, then 403 write_not_granted", async () => {
    const token = await dealerToken(gw, writer.credential, "purpose:record_accuracy");
    expect((await write(gw, token, writer.customer.id, "purchases").expect(403)).body.code).toBe("write_not_granted");
  });

  it.each(ROUTES)("when %s comes from a dealer outside the EEA without a safeguard, then 403 transfer_safeguard_missing", async (route) => {
    const us = await dealerWithAccess(gw, "record_accuracy", { country: "US", write: true });
    expect((await write(gw, us.token, us.customer.id, route).expect(403)).body.code).toBe("transfer_safeguard_missing");
  });

  it.each(ROUTES)("when %s names a customer the dealer may not reach, then the 404 is byte-identical to a read's, whatever the reason, and nothing is written", async (route, action) => {
    const unconsented = await createCustomer(gw);
    const withdrawn = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await asAdmin(gw, "post", `/v1/admin/consents/${withdrawn.consent.id}/withdraw`, {});
    const restricted = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await asAdmin(gw, "post", `/v1/admin/customers/${restricted.customer.id}/restrict`);
    const erased = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await asAdmin(gw, "post", `/v1/admin/customers/${erased.customer.id}/erase`);
    const cases: [DealerWithAccess | undefined, string, string][] = [
      [undefined, "00000000-0000-4000-8000-000000000000", "customer_unknown"],
      [undefined, "not-a-uuid", "customer_unknown"],
      [undefined, unconsented.id, "consent_missing"],
      [withdrawn, withdrawn.customer.id, "consent_withdrawn"],
      [restricted, restricted.customer.id, "customer_restricted"],
      [erased, erased.customer.id, "customer_erased"],
    ];
    for (const [access, customerId, reason] of cases) {
      const token = access?.token ?? writer.token;
      const read = await readCustomer(gw, token, customerId, "record_accuracy").expect(404);
      const before = await storedRecord(gw, customerId === "not-a-uuid" ? "" : customerId);
      const response = await write(gw, token, customerId, route).expect(404);
      expect(withoutRequestId(response.body)).toEqual(withoutRequestId(read.body));
      expect(response.text.replace(/"requestId":"[^"]*"/, "")).toBe(read.text.replace(/"requestId":"[^"]*"/, ""));
      expect(response.headers["content-type"]).toBe(read.headers["content-type"]);
      expect(await storedRecord(gw, customerId === "not-a-uuid" ? "" : customerId)).toEqual(before);
      expect(await theAuditOf(gw, response)).toMatchObject({ action, decision: "deny", reason });
    }
  });

  it("when the credential is revoked or the dealer suspended, then 401", async () => {
    const suspended = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await asAdmin(gw, "post", `/v1/admin/dealers/${suspended.dealer.id}/suspend`);
    await write(gw, suspended.token, suspended.customer.id, "purchases").expect(401);
    const revoked = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await asAdmin(gw, "delete", `/v1/admin/dealers/${revoked.dealer.id}/credentials/${revoked.credential.clientId}`);
    await write(gw, revoked.token, revoked.customer.id, "purchases").expect(401);
  });
});

describe("bad input: 400 validation_failed (or 413), nothing written", () => {
  const BAD: [string, WriteRoute, object][] = [
    ["an unknown field", "purchases", { ...PURCHASE, discount: 5 }],
    ["a bad date", "purchases", { ...PURCHASE, date: "2026-13-01" }],
    ["an amount without currency", "purchases", { date: "2026-05-30", productRef: "R", amount: 5 }],
    ["a negative amount", "purchases", { ...PURCHASE, amount: -1 }],
    ["a missing productRef", "purchases", { date: "2026-05-30" }],
    ["a warranty ending before it starts", "warranties", { ...WARRANTY, endsOn: "2020-01-01" }],
    ["a warranty without extended", "warranties", { ...WARRANTY, extended: undefined }],
    ["a missing channel", "marketing-preferences", { email: false, phone: false, post: false }],
    ["a channel that is not a boolean", "marketing-preferences", { email: "no", phone: false, post: false, sms: false }],
  ];
  it.each(BAD)("when the body has %s, then 400 and the record is unchanged", async (_name, route, body) => {
    const before = await storedRecord(gw, writer.customer.id);
    const response = await write(gw, writer.token, writer.customer.id, route, body).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(await storedRecord(gw, writer.customer.id)).toEqual(before);
  });

  it.each([["missing", null], ["empty", ""], ["with a space", "a key"], ["too long", "k".repeat(129)], ["not ASCII", "clé-1"]] as const)(
    "when the Idempotency-Key is %s, then 400 naming the header", async (_name, key) => {
      const response = await write(gw, writer.token, writer.customer.id, "purchases", PURCHASE, { key }).expect(400);
      expect(response.body.code).toBe("validation_failed");
      expect(response.body.errors).toEqual([expect.objectContaining({ path: "Idempotency-Key" })]);
    },
  );

  it("when the key has 128 visible characters, then it is accepted", async () => {
    await write(gw, writer.token, writer.customer.id, "purchases", PURCHASE, { key: "~".repeat(128) }).expect(201);
  });

  it("when the body is larger than a write needs, then 413 and nothing is written", async () => {
    const before = await storedRecord(gw, writer.customer.id);
    const response = await write(gw, writer.token, writer.customer.id, "purchases", { ...PURCHASE, productRef: "R".repeat(5000) }).expect(413);
    expect(response.body.code).toBe("payload_too_large");
    expect(await storedRecord(gw, writer.customer.id)).toEqual(before);
  });
});

describe("the per-customer cap", () => {
  it("when the customer already holds 1,000 purchases, then the next is 409 record_limit_reached and nothing is written", async () => {
    const purchases = Array.from({ length: 1000 }, (_, index) => ({ id: `P${index}`, date: "2025-01-01", productRef: "R", soldBy: "S" }));
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await asAdmin(gw, "patch", `/v1/admin/customers/${access.customer.id}`, { purchases }).then((response) => expect(response.status, response.text).toBe(200));
    const response = await write(gw, access.token, access.customer.id, "purchases").expect(409);
    expect(response.body.code).toBe("record_limit_reached");
    expect(((await storedRecord(gw, access.customer.id))!.purchases as unknown[]).length).toBe(1000);
    // The refused write gave its key back: the same key may be used again once the record has room.
    expect(await countRows(gw, "SELECT COUNT(*) AS n FROM idempotent_writes WHERE customer_id = ?", [access.customer.id])).toBe(0);
  });
});

const FIXTURE_PREFERENCES = { email: true, phone: false, post: true, sms: false };

/** The history rows of a CRM admin who set these preferences: one per channel changed. */
function createdWith(preferences: Record<string, boolean>, adminId: unknown = expect.any(String)) {
  return Object.entries(preferences).map(([channel, optedIn]) => ({ channel, optedIn, recordedAt: expect.any(String), actorType: "admin", actorId: adminId, dealerId: null, evidenceRef: null }));
}

const preferenceHistoryOf = async (customerId: string) =>
  (await gw.http.get(`/v1/admin/customers/${customerId}/marketing-preferences`).auth(await gw.adminToken(), { type: "bearer" }).expect(200)).body.history as { actorType: string; actorId: string }[];

describe("marketing preferences (policy P8)", () => {
  it("when a CRM admin creates a customer, edits the preferences, or imports the record again, then each changed channel is in the history with the admin as actor", async () => {
    const customer = await createCustomer(gw);
    expect(await preferenceHistoryOf(customer.id)).toEqual(createdWith(FIXTURE_PREFERENCES));
    const admin = (await preferenceHistoryOf(customer.id))[0]!.actorId;
    const edited = { email: false, phone: false, post: true, sms: true };
    await gw.http.patch(`/v1/admin/customers/${customer.id}`).auth(await gw.adminToken(), { type: "bearer" }).send({ marketingPreferences: edited }).expect(200);
    expect((await preferenceHistoryOf(customer.id)).slice(4)).toEqual(createdWith({ email: false, sms: true }, admin));
    const reimported = { ...customerRecord({ externalRef: customer.externalRef }), marketingPreferences: { ...edited, phone: true } };
    await gw.http.post("/v1/admin/customers/import").auth(await gw.adminToken(), { type: "bearer" }).set("Content-Type", "application/x-ndjson").send(JSON.stringify(reimported)).expect(200);
    expect((await preferenceHistoryOf(customer.id)).slice(6)).toEqual(createdWith({ phone: true }, admin));
    // Removing the preferences turns off what was on.
    await gw.http.patch(`/v1/admin/customers/${customer.id}`).auth(await gw.adminToken(), { type: "bearer" }).send({ marketingPreferences: null }).expect(200);
    expect((await preferenceHistoryOf(customer.id)).slice(7)).toEqual(createdWith({ phone: false, post: false, sms: false }, admin));
  });

  it("when a channel is turned off, then it takes effect at once, the history names who and when, and every consenting dealer's feed gets customer.marketing_updated", async () => {
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    const other = await createDealer(gw);
    await recordConsent(gw, access.customer.id, { dealerId: other.id, purposes: ["service_delivery"] });
    const stranger = await dealerWithAccess(gw, "service_delivery");

    const response = await write(gw, access.token, access.customer.id, "marketing-preferences", { email: false, phone: false, post: true, sms: false }).expect(200);
    expect(response.body).toEqual({ email: false, phone: false, post: true, sms: false });
    const read = await readCustomer(gw, access.token, access.customer.id, "record_accuracy").expect(200);
    expect(read.body.data.marketingPreferences).toEqual(response.body);

    const history = await gw.http.get(`/v1/admin/customers/${access.customer.id}/marketing-preferences`).auth(await gw.adminToken(), { type: "bearer" }).expect(200);
    expect(history.body.current).toEqual(response.body);
    expect(history.body.history).toEqual([
      ...createdWith(FIXTURE_PREFERENCES),
      { channel: "email", optedIn: false, recordedAt: gw.clock.now.toISOString(), actorType: "dealer", actorId: access.credential.clientId, dealerId: access.dealer.id, evidenceRef: null },
    ]);

    const feedOf = async (dealerId: string) =>
      gw.dataSource.query("SELECT type, customer_id FROM dealer_events WHERE dealer_id = ? AND type = 'customer.marketing_updated'", [dealerId]);
    expect(await feedOf(other.id)).toEqual([{ type: "customer.marketing_updated", customer_id: access.customer.id }]);
    expect(await feedOf(access.dealer.id)).toHaveLength(1);
    expect(await feedOf(stranger.dealer.id)).toEqual([]);
    const event = await theAuditOf(gw, response);
    expect(event).toMatchObject({ action: "customer.marketing.update", fields: ["marketingPreferences"] });
    expect(event.detail).toMatchObject({ changedFields: ["marketingPreferences.email"], notifiedDealerIds: expect.arrayContaining([other.id, access.dealer.id]) });
  });

  it("when the other dealer polls its feed, then the opt-out is there, typed customer.marketing_updated", async () => {
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    const other = await dealerWithAccess(gw, "service_delivery");
    await recordConsent(gw, access.customer.id, { dealerId: other.dealer.id, purposes: ["service_delivery"] });
    await write(gw, access.token, access.customer.id, "marketing-preferences", { email: true, phone: false, post: false, sms: false }).expect(200);
    const feed = await gw.http.get("/v1/consent-events").auth(other.token, { type: "bearer" }).expect(200);
    expect(feed.body.items).toContainEqual({ id: expect.any(String), type: "customer.marketing_updated", customerId: access.customer.id, at: expect.any(String) });
  });

  it("when a channel that is off is turned back on without evidenceRef, then 400 and nothing changes; with it, 200 and the history keeps the evidence", async () => {
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await write(gw, access.token, access.customer.id, "marketing-preferences", { email: false, phone: false, post: false, sms: false }).expect(200);
    const refused = await write(gw, access.token, access.customer.id, "marketing-preferences", ALL_ON).expect(400);
    expect(refused.body.code).toBe("validation_failed");
    expect(refused.body.errors.map((issue: { path: string }) => issue.path)).toEqual(["email", "phone", "post", "sms"]);
    expect((await storedRecord(gw, access.customer.id))!.marketingPreferences).toEqual({ email: false, phone: false, post: false, sms: false });

    const feedBefore = await countRows(gw, "SELECT COUNT(*) AS n FROM dealer_events WHERE customer_id = ?", [access.customer.id]);
    const accepted = await write(gw, access.token, access.customer.id, "marketing-preferences", { ...ALL_ON, post: false, evidenceRef: "SIGNED-REQ-77" }).expect(200);
    expect(accepted.body).toEqual({ email: true, phone: true, post: false, sms: true });
    // Turning channels on tells no dealer anything.
    expect(await countRows(gw, "SELECT COUNT(*) AS n FROM dealer_events WHERE customer_id = ?", [access.customer.id])).toBe(feedBefore);
    const history = await gw.http.get(`/v1/admin/customers/${access.customer.id}/marketing-preferences`).auth(await gw.adminToken(), { type: "bearer" }).expect(200);
    const dealerOptIns = history.body.history.filter((row: { optedIn: boolean; actorType: string }) => row.optedIn && row.actorType === "dealer");
    expect(dealerOptIns).toEqual(["email", "phone", "sms"].map((channel) => expect.objectContaining({ channel, evidenceRef: "SIGNED-REQ-77" })));
    expect(await rawAuditText(gw, accepted)).not.toContain("SIGNED-REQ-77");
  });

  it("when a compliance officer asks for the data-subject report, then it lists what the dealer registered, by field name, and the preference history", async () => {
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    const sale = await write(gw, access.token, access.customer.id, "purchases", PURCHASE, { key: "report-sale" }).expect(201);
    await write(gw, access.token, access.customer.id, "purchases", PURCHASE, { key: "report-sale" }).expect(201);
    await write(gw, access.token, access.customer.id, "marketing-preferences", { email: false, phone: false, post: true, sms: false }).expect(200);
    const report = await gw.http.get(`/v1/audit/customers/${access.customer.id}/report`).auth(await gw.adminToken(), { type: "bearer" }).expect(200);
    expect(report.body.dealerChanges).toEqual([
      { eventId: expect.any(String), at: expect.any(String), dealerId: access.dealer.id, action: "customer.purchase.record", changedFields: expect.arrayContaining(["purchases.productRef"]) },
      { eventId: expect.any(String), at: expect.any(String), dealerId: access.dealer.id, action: "customer.marketing.update", changedFields: ["marketingPreferences.email"] },
    ]);
    expect(report.body.marketingPreferenceHistory).toEqual([
      ...createdWith(FIXTURE_PREFERENCES),
      expect.objectContaining({ channel: "email", optedIn: false, dealerId: access.dealer.id }),
    ]);
    expect(JSON.stringify(report.body.dealerChanges)).not.toContain(sale.body.id === undefined ? "-" : PURCHASE.serialNumber);
  });

  it("when the customer is erased, then the dealer-written purchases and the preference history go with the record", async () => {
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await write(gw, access.token, access.customer.id, "purchases").expect(201);
    await write(gw, access.token, access.customer.id, "marketing-preferences", { email: false, phone: false, post: false, sms: false }).expect(200);
    await asAdmin(gw, "post", `/v1/admin/customers/${access.customer.id}/erase`);
    expect(await storedRecord(gw, access.customer.id)).toBeNull();
    expect(await countRows(gw, "SELECT COUNT(*) AS n FROM marketing_preference_history WHERE customer_id = ?", [access.customer.id])).toBe(0);
    expect(await countRows(gw, "SELECT COUNT(*) AS n FROM idempotent_writes WHERE customer_id = ?", [access.customer.id])).toBe(0);
  });
});

describe("revocation between two writes", () => {
  it("when the grant is replaced by one without write, then the second write is 403", async () => {
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await write(gw, access.token, access.customer.id, "purchases").expect(201);
    await putGrant(gw, access.dealer.id, "record_accuracy");
    expect((await write(gw, access.token, access.customer.id, "purchases").expect(403)).body.code).toBe("write_not_granted");
  });

  it("when the consent is withdrawn, then the second write is the uniform 404 and writes nothing", async () => {
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await write(gw, access.token, access.customer.id, "purchases").expect(201);
    await asAdmin(gw, "post", `/v1/admin/consents/${access.consent.id}/withdraw`, {});
    const before = await storedRecord(gw, access.customer.id);
    const response = await write(gw, access.token, access.customer.id, "purchases").expect(404);
    expect(response.body.code).toBe("not_found");
    expect(await storedRecord(gw, access.customer.id)).toEqual(before);
  });

  it("when the grant is revoked, then even a retry of the first write with its key is refused", async () => {
    const access = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await write(gw, access.token, access.customer.id, "purchases", PURCHASE, { key: "sale-1" }).expect(201);
    await asAdmin(gw, "delete", `/v1/admin/dealers/${access.dealer.id}/grants/record_accuracy`);
    expect((await write(gw, access.token, access.customer.id, "purchases", PURCHASE, { key: "sale-1" }).expect(403)).body.code).toBe("purpose_not_granted");
    expect(await auditOf(gw, await write(gw, access.token, access.customer.id, "warranties").expect(403))).toHaveLength(1);
  });
});
