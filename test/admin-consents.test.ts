import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problems } from "../src/http/problem";
import { consentStatus, purposeStatus } from "../src/consents/consent-representation";
import { createCustomer, createDealer, recordConsent, type ConsentBody } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";

/** Set to make every consent audit write fail, to prove the change is then rolled back. */
let auditFails = false;
let gw: TestGateway;
let token: string;
beforeAll(async () => {
  gw = await startTestGateway({
    env: { RATE_LIMIT_PER_MINUTE: "100000" },
    audit: (real) => ({
      record: async (input, manager) => {
        if (auditFails && input.action.startsWith("consent.")) throw problems.unavailable("The audit log cannot be written, so the request was not carried out");
        return real.record(input, manager);
      },
    }),
  });
  token = await gw.adminToken();
});
afterAll(async () => {
  await gw?.stop();
});

const HOUR = 3_600_000;
const later = (ms = 30 * 24 * HOUR) => new Date(gw.clock.now.getTime() + ms).toISOString();

type Row = Record<string, unknown>;
const rows = (sql: string, params: unknown[] = []): Promise<Row[]> => gw.dataSource.query(sql, params);

/** Row counts of every table a consent change writes to: compared before and after a refused request. */
async function consentTables(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ["consents", "consent_purposes", "consent_history", "dealer_events"]) {
    counts[table] = Number((await rows(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
  }
  counts.withdrawn = Number((await rows("SELECT COUNT(*) AS n FROM consent_purposes WHERE withdrawn_at IS NOT NULL"))[0]!.n);
  counts.consentAudit = Number((await rows("SELECT COUNT(*) AS n FROM audit_events WHERE action IN ('consent.record', 'consent.withdraw')"))[0]!.n);
  return counts;
}

async function auditOf(requestId: string): Promise<Row[]> {
  return rows("SELECT action, actor_type, actor_id, decision, status, customer_id, dealer_id, consent_id, detail FROM audit_events WHERE request_id = ?", [requestId]);
}

const post = (path: string, body?: object) => gw.http.post(path).auth(token, { type: "bearer" }).send(body);
const get = (path: string) => gw.http.get(path).auth(token, { type: "bearer" });

async function adminId(): Promise<string> {
  const users = await get("/v1/admin/users").expect(200);
  return users.body.items.find((user: { username: string }) => user.username === "admin").id;
}

async function customerAndDealer(): Promise<{ customerId: string; dealerId: string }> {
  const [customer, dealer] = await Promise.all([createCustomer(gw), createDealer(gw)]);
  return { customerId: customer.id, dealerId: dealer.id };
}

const validBody = (dealerId: string, overrides: Record<string, unknown> = {}) => ({
  dealerId, purposes: ["service_delivery", "record_accuracy"], channel: "boutique", evidenceRef: "EV-2026-0001", policyVersion: "2021-04", ...overrides,
});

describe("the consent status rule", () => {
  const now = new Date("2026-06-01T10:00:00.000Z");
  const open = { withdrawnAt: null };
  const closed = { withdrawnAt: "2026-05-01T00:00:00.000Z" };
  it.each([
    ["no purpose withdrawn, no expiry", null, [open, open], "active"],
    ["one of two purposes withdrawn", null, [closed, open], "active"],
    ["every purpose withdrawn", null, [closed, closed], "withdrawn"],
    ["every purpose withdrawn and past expiry", "2026-01-01T00:00:00.000Z", [closed], "withdrawn"],
    ["past its expiry", "2026-05-31T10:00:00.000Z", [open], "expired"],
    ["exactly at its expiry", "2026-06-01T10:00:00.000Z", [open], "expired"],
    ["one millisecond before its expiry", "2026-06-01T10:00:00.001Z", [open], "active"],
    ["expired with one purpose withdrawn", "2026-05-31T10:00:00.000Z", [closed, open], "expired"],
    ["without any purpose", null, [], "withdrawn"],
  ] as const)("when a consent is %s, then it reads as the rule says", (_case, expiresAt, purposes, expected) => {
    expect(consentStatus({ expiresAt, purposes: [...purposes] }, now)).toBe(expected);
  });

  it("when one purpose is withdrawn and another past expiry, then each purpose reads its own status", () => {
    expect(purposeStatus({ withdrawnAt: closed.withdrawnAt, expiresAt: null }, now)).toBe("withdrawn");
    expect(purposeStatus({ withdrawnAt: null, expiresAt: "2026-06-01T10:00:00.000Z" }, now)).toBe("expired");
    expect(purposeStatus({ withdrawnAt: null, expiresAt: null }, now)).toBe("active");
  });
});

describe("POST /v1/admin/customers/{id}/consents", () => {
  it("when a CRM admin records a consent, then 201 returns it active with its purposes and first history entry", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const expiresAt = later();
    const response = await post(`/v1/admin/customers/${customerId}/consents`, validBody(dealerId, { expiresAt })).expect(201);
    const actorId = await adminId();
    expect(response.headers["content-type"]).toMatch(/application\/json/);
    expect(response.headers.location).toBe(`/v1/admin/consents/${response.body.id}`);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      customerId, dealerId,
      purposes: ["record_accuracy", "service_delivery"],
      purposeStates: [
        { purpose: "record_accuracy", status: "active", withdrawnAt: null },
        { purpose: "service_delivery", status: "active", withdrawnAt: null },
      ],
      channel: "boutique", evidenceRef: "EV-2026-0001", policyVersion: "2021-04", expiresAt,
      status: "active",
      createdAt: gw.clock.now.toISOString(),
      createdBy: actorId,
      history: [{ action: "recorded", purposes: ["service_delivery", "record_accuracy"], actorType: "admin", actorId, reason: null, at: gw.clock.now.toISOString() }],
    });
  });

  it("when a consent is recorded, then the database holds one row per purpose, a history entry, a granted event per purpose and the audit event", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const response = await post(`/v1/admin/customers/${customerId}/consents`, validBody(dealerId)).expect(201);
    const consentId = response.body.id;

    expect(await rows("SELECT customer_id, dealer_id, channel, evidence_ref, policy_version, expires_at FROM consents WHERE id = ?", [consentId])).toEqual([
      { customer_id: customerId, dealer_id: dealerId, channel: "boutique", evidence_ref: "EV-2026-0001", policy_version: "2021-04", expires_at: null },
    ]);
    expect(await rows("SELECT purpose_id, customer_id, dealer_id, withdrawn_at FROM consent_purposes WHERE consent_id = ? ORDER BY purpose_id", [consentId])).toEqual([
      { purpose_id: "record_accuracy", customer_id: customerId, dealer_id: dealerId, withdrawn_at: null },
      { purpose_id: "service_delivery", customer_id: customerId, dealer_id: dealerId, withdrawn_at: null },
    ]);
    expect(await rows("SELECT action, actor_type, reason FROM consent_history WHERE consent_id = ?", [consentId])).toEqual([{ action: "recorded", actor_type: "admin", reason: null }]);
    expect(await rows("SELECT type, customer_id, purpose FROM dealer_events WHERE dealer_id = ? ORDER BY purpose", [dealerId])).toEqual([
      { type: "consent.granted", customer_id: customerId, purpose: "record_accuracy" },
      { type: "consent.granted", customer_id: customerId, purpose: "service_delivery" },
    ]);

    const [event] = await auditOf(response.headers["x-request-id"]!);
    expect(event).toMatchObject({ action: "consent.record", actor_type: "admin", decision: "allow", status: 201, customer_id: customerId, dealer_id: dealerId, consent_id: consentId });
    // The dealer holds no grant yet: the consent is recorded, and the event says which purposes it covers without one.
    expect(JSON.parse(String(event!.detail))).toEqual({
      purposes: ["record_accuracy", "service_delivery"], channel: "boutique", expiresAt: null, ungrantedPurposes: ["record_accuracy", "service_delivery"],
    });
  });

  it("when the expiry carries a time-zone offset, then it is stored and returned in UTC", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const response = await post(`/v1/admin/customers/${customerId}/consents`, validBody(dealerId, { expiresAt: "2030-01-01T12:00:00+02:00" })).expect(201);
    expect(response.body.expiresAt).toBe("2030-01-01T10:00:00.000Z");
    expect(await rows("SELECT expires_at FROM consent_purposes WHERE consent_id = ?", [response.body.id])).toEqual([
      { expires_at: "2030-01-01T10:00:00.000Z" }, { expires_at: "2030-01-01T10:00:00.000Z" },
    ]);
  });

  it("when the fixture records a consent, then it gets the fields it relies on", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent: ConsentBody = await recordConsent(gw, customerId, { dealerId, purposes: ["in_store_experience"] });
    expect(consent).toMatchObject({ status: "active", purposes: ["in_store_experience"], dealerId, customerId, expiresAt: null });
  });

  it.each([
    ["no purposes", { purposes: [] }, "validation_failed", "purposes"],
    ["a repeated purpose", { purposes: ["service_delivery", "service_delivery"] }, "validation_failed", "purposes"],
    ["an unknown purpose", { purposes: ["service_delivery", "marketing"] }, "invalid_purpose", undefined],
    ["an unknown channel", { channel: "carrier_pigeon" }, "validation_failed", "channel"],
    ["an empty evidence reference", { evidenceRef: " " }, "validation_failed", "evidenceRef"],
    ["no policy version", { policyVersion: undefined }, "validation_failed", "policyVersion"],
    ["an expiry in the past", { expiresAt: "2020-01-01T00:00:00Z" }, "validation_failed", "expiresAt"],
    ["an expiry without a time zone", { expiresAt: "2030-01-01T00:00:00" }, "validation_failed", "expiresAt"],
    ["an expiry that is no date", { expiresAt: "next year" }, "validation_failed", "expiresAt"],
    ["a dealer id that is no UUID", { dealerId: "dealer-1" }, "validation_failed", "dealerId"],
    ["a dealer that does not exist", { dealerId: randomUUID() }, "validation_failed", "dealerId"],
    ["an unknown field", { legalBasis: "consent" }, "validation_failed", "legalBasis"],
    ["purposes given as a string", { purposes: "service_delivery" }, "validation_failed", "purposes"],
  ])("when the body has %s, then 400 %s and nothing is written", async (_case, overrides, code, named) => {
    const { customerId, dealerId } = await customerAndDealer();
    const before = await consentTables();
    const response = await post(`/v1/admin/customers/${customerId}/consents`, validBody(dealerId, overrides)).expect(400);
    expect(response.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(response.body.code).toBe(code);
    if (named) expect(JSON.stringify(response.body.errors)).toContain(named);
    expect(await consentTables()).toEqual(before);
  });

  it("when the expiry is exactly now, then 400: a consent must be able to grant something", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const response = await post(`/v1/admin/customers/${customerId}/consents`, validBody(dealerId, { expiresAt: gw.clock.now.toISOString() })).expect(400);
    expect(response.body.errors).toEqual([{ path: "expiresAt", message: "must be in the future" }]);
  });

  it("when the body is not JSON, then 400 and nothing is written", async () => {
    const { customerId } = await customerAndDealer();
    const before = await consentTables();
    await gw.http.post(`/v1/admin/customers/${customerId}/consents`).auth(token, { type: "bearer" }).set("Content-Type", "application/json").send("{\"dealerId\":").expect(400);
    expect(await consentTables()).toEqual(before);
  });

  it("when the customer does not exist, then 404 and nothing is written", async () => {
    const { dealerId } = await customerAndDealer();
    const before = await consentTables();
    const response = await post(`/v1/admin/customers/${randomUUID()}/consents`, validBody(dealerId)).expect(404);
    expect(response.body.code).toBe("not_found");
    expect(await consentTables()).toEqual(before);
  });

  it("when the customer has been erased, then 404 as for an unknown customer and nothing is written", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    await post(`/v1/admin/customers/${customerId}/erase`).expect(200);
    const before = await consentTables();
    const response = await post(`/v1/admin/customers/${customerId}/consents`, validBody(dealerId)).expect(404);
    expect(response.body.code).toBe("not_found");
    expect(await consentTables()).toEqual(before);
  });

  it("when the customer id in the path is no UUID, then 400", async () => {
    const { dealerId } = await customerAndDealer();
    const response = await post("/v1/admin/customers/42/consents", validBody(dealerId)).expect(400);
    expect(response.body.code).toBe("validation_failed");
  });

  it("when the audit event cannot be written, then 503 and the consent is not recorded", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const before = await consentTables();
    auditFails = true;
    try {
      const response = await post(`/v1/admin/customers/${customerId}/consents`, validBody(dealerId)).expect(503);
      expect(response.body.code).toBe("unavailable");
    } finally {
      auditFails = false;
    }
    expect(await consentTables()).toEqual(before);
  });

  it("when a new consent covers a purpose a live one already covers, then the old purpose is closed as superseded without a withdrawal event", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const first = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery", "record_accuracy"] });
    const other = await createDealer(gw);
    const unrelated = await recordConsent(gw, customerId, { dealerId: other.id, purposes: ["service_delivery"] });
    const second = await post(`/v1/admin/customers/${customerId}/consents`, validBody(dealerId, { purposes: ["service_delivery"], expiresAt: later() })).expect(201);

    const old = await get(`/v1/admin/consents/${first.id}`).expect(200);
    expect(old.body.status).toBe("active");
    expect(old.body.purposeStates).toEqual([
      { purpose: "record_accuracy", status: "active", withdrawnAt: null },
      { purpose: "service_delivery", status: "withdrawn", withdrawnAt: gw.clock.now.toISOString() },
    ]);
    expect(old.body.history.map((entry: { action: string; reason: string | null }) => [entry.action, entry.reason])).toEqual([
      ["recorded", null], ["withdrawn", `superseded by consent ${second.body.id}`],
    ]);
    expect((await get(`/v1/admin/consents/${unrelated.id}`).expect(200)).body.status).toBe("active");
    expect(await rows("SELECT type FROM dealer_events WHERE dealer_id = ? AND type = 'consent.withdrawn'", [dealerId])).toEqual([]);
    const live = await rows("SELECT consent_id FROM consent_purposes WHERE customer_id = ? AND dealer_id = ? AND purpose_id = 'service_delivery' AND withdrawn_at IS NULL", [customerId, dealerId]);
    expect(live).toEqual([{ consent_id: second.body.id }]);
    const [event] = await auditOf(second.headers["x-request-id"]!);
    expect(JSON.parse(String(event!.detail)).supersededConsentIds).toEqual([first.id]);
  });

  it("when two consents for the same dealer and purpose are recorded at once, then exactly one stays live", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const responses = await Promise.all([1, 2].map(() => post(`/v1/admin/customers/${customerId}/consents`, validBody(dealerId, { purposes: ["service_delivery"] }))));
    expect(responses.map((response) => response.status)).toEqual([201, 201]);
    const live = await rows("SELECT consent_id FROM consent_purposes WHERE customer_id = ? AND dealer_id = ? AND withdrawn_at IS NULL", [customerId, dealerId]);
    expect(live).toHaveLength(1);
  });
});

describe("POST /v1/admin/consents/{id}/withdraw", () => {
  it("when one purpose is withdrawn with a reason, then the consent stays active, the history says who, when and why, and the dealer is told", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery", "record_accuracy"] });
    gw.clock.advance(60_000);
    const response = await post(`/v1/admin/consents/${consent.id}/withdraw`, { purposes: ["record_accuracy"], reason: "customer asked by phone" }).expect(200);
    const at = gw.clock.now.toISOString();
    const actorId = await adminId();

    expect(response.body.status).toBe("active");
    expect(response.body.purposeStates).toEqual([
      { purpose: "record_accuracy", status: "withdrawn", withdrawnAt: at },
      { purpose: "service_delivery", status: "active", withdrawnAt: null },
    ]);
    expect(response.body.history).toHaveLength(2);
    expect(response.body.history[1]).toEqual({ action: "withdrawn", purposes: ["record_accuracy"], actorType: "admin", actorId, reason: "customer asked by phone", at });

    expect(await rows("SELECT purpose_id, withdrawn_at FROM consent_purposes WHERE consent_id = ? ORDER BY purpose_id", [consent.id])).toEqual([
      { purpose_id: "record_accuracy", withdrawn_at: at }, { purpose_id: "service_delivery", withdrawn_at: null },
    ]);
    expect(await rows("SELECT customer_id, purpose, at FROM dealer_events WHERE dealer_id = ? AND type = 'consent.withdrawn'", [dealerId])).toEqual([
      { customer_id: customerId, purpose: "record_accuracy", at },
    ]);
    const [event] = await auditOf(response.headers["x-request-id"]!);
    expect(event).toMatchObject({ action: "consent.withdraw", decision: "allow", status: 200, customer_id: customerId, dealer_id: dealerId, consent_id: consent.id });
    const detail = String(event!.detail);
    expect(JSON.parse(detail)).toEqual({ purposes: ["record_accuracy"], alreadyWithdrawn: [], reasonGiven: true });
    expect(detail).not.toContain("phone");
  });

  it("when no purposes are named, then every remaining purpose is withdrawn and the consent reads withdrawn, its earlier history intact", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery", "record_accuracy", "in_store_experience"] });
    await post(`/v1/admin/consents/${consent.id}/withdraw`, { purposes: ["in_store_experience"] }).expect(200);
    const recorded = (await get(`/v1/admin/consents/${consent.id}`).expect(200)).body.history[0];
    gw.clock.advance(60_000);

    const response = await gw.http.post(`/v1/admin/consents/${consent.id}/withdraw`).auth(token, { type: "bearer" }).expect(200);
    expect(response.body.status).toBe("withdrawn");
    expect(response.body.purposeStates.map((state: { status: string }) => state.status)).toEqual(["withdrawn", "withdrawn", "withdrawn"]);
    expect(response.body.history.map((entry: { action: string; purposes: string[] }) => [entry.action, entry.purposes])).toEqual([
      ["recorded", ["service_delivery", "record_accuracy", "in_store_experience"]],
      ["withdrawn", ["in_store_experience"]],
      ["withdrawn", ["record_accuracy", "service_delivery"]],
    ]);
    expect(response.body.history[0]).toEqual(recorded);
    expect(response.body.history[2].reason).toBeNull();
    const withdrawnEvents = await rows("SELECT purpose FROM dealer_events WHERE dealer_id = ? AND type = 'consent.withdrawn' ORDER BY purpose", [dealerId]);
    expect(withdrawnEvents).toEqual([{ purpose: "in_store_experience" }, { purpose: "record_accuracy" }, { purpose: "service_delivery" }]);
  });

  it("when an already withdrawn purpose is withdrawn again, then 200 with nothing changed: a retried request is harmless", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery"] });
    const first = await post(`/v1/admin/consents/${consent.id}/withdraw`, { purposes: ["service_delivery"] }).expect(200);
    const before = await consentTables();
    gw.clock.advance(60_000);

    const again = await post(`/v1/admin/consents/${consent.id}/withdraw`, { purposes: ["service_delivery"] }).expect(200);
    expect(again.body).toEqual(first.body);
    expect(await consentTables()).toEqual({ ...before, consentAudit: before.consentAudit! + 1 });
    const [event] = await auditOf(again.headers["x-request-id"]!);
    expect(JSON.parse(String(event!.detail))).toEqual({ purposes: [], alreadyWithdrawn: ["service_delivery"], reasonGiven: false });
  });

  it("when the same withdrawal arrives twice at once, then the purpose is withdrawn once: one history entry, one dealer event", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery"] });
    const responses = await Promise.all([1, 2].map(() => post(`/v1/admin/consents/${consent.id}/withdraw`, { reason: "duplicate click" })));
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(responses.map((response) => response.body.status)).toEqual(["withdrawn", "withdrawn"]);
    expect(await rows("SELECT action FROM consent_history WHERE consent_id = ? ORDER BY seq", [consent.id])).toEqual([{ action: "recorded" }, { action: "withdrawn" }]);
    expect(await rows("SELECT purpose FROM dealer_events WHERE dealer_id = ? AND type = 'consent.withdrawn'", [dealerId])).toEqual([{ purpose: "service_delivery" }]);
  });

  it.each([
    ["a purpose the consent does not hold", { purposes: ["relationship_management"] }],
    ["an unknown purpose", { purposes: ["telemarketing"] }],
    ["an empty purpose list", { purposes: [] }],
    ["an unknown field", { purposes: ["service_delivery"], everything: true }],
    ["an empty reason", { reason: "" }],
  ])("when the withdrawal names %s, then 400 and nothing is withdrawn", async (_case, body) => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery"] });
    const before = await consentTables();
    const response = await post(`/v1/admin/consents/${consent.id}/withdraw`, body).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(await consentTables()).toEqual(before);
  });

  it("when the consent does not exist, then 404 and nothing is written", async () => {
    const before = await consentTables();
    const response = await post(`/v1/admin/consents/${randomUUID()}/withdraw`, {}).expect(404);
    expect(response.body.code).toBe("not_found");
    expect(await consentTables()).toEqual(before);
  });

  it("when the audit event cannot be written, then 503 and the purpose stays consented", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery"] });
    const before = await consentTables();
    auditFails = true;
    try {
      await post(`/v1/admin/consents/${consent.id}/withdraw`, {}).expect(503);
    } finally {
      auditFails = false;
    }
    expect(await consentTables()).toEqual(before);
    expect((await get(`/v1/admin/consents/${consent.id}`).expect(200)).body.status).toBe("active");
  });
});

describe("expiry", () => {
  it("when the clock passes a consent's expiry, then it reads expired, and a later withdrawal still reads withdrawn", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery"], expiresAt: later(HOUR) });
    gw.clock.advance(HOUR - 1);
    expect((await get(`/v1/admin/consents/${consent.id}`).expect(200)).body.status).toBe("active");
    gw.clock.advance(1);
    const expired = await get(`/v1/admin/consents/${consent.id}`).expect(200);
    expect(expired.body.status).toBe("expired");
    expect(expired.body.purposeStates).toEqual([{ purpose: "service_delivery", status: "expired", withdrawnAt: null }]);

    const withdrawn = await post(`/v1/admin/consents/${consent.id}/withdraw`, {}).expect(200);
    expect(withdrawn.body.status).toBe("withdrawn");
  });
});

describe("reading consents", () => {
  it("when a customer's consents are listed, then every one comes back newest first, withdrawn and expired ones included, and the read is audited", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const expiring = await recordConsent(gw, customerId, { dealerId, purposes: ["in_store_experience"], expiresAt: later(HOUR) });
    gw.clock.advance(HOUR);
    const withdrawn = await recordConsent(gw, customerId, { dealerId, purposes: ["record_accuracy"] });
    await post(`/v1/admin/consents/${withdrawn.id}/withdraw`, {}).expect(200);
    const active = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery"] });
    const otherCustomer = await createCustomer(gw);
    await recordConsent(gw, otherCustomer.id, { dealerId, purposes: ["service_delivery"] });

    const response = await get(`/v1/admin/customers/${customerId}/consents`).expect(200);
    expect(response.body.items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual([
      [active.id, "active"], [withdrawn.id, "withdrawn"], [expiring.id, "expired"],
    ]);
    expect(response.body.items[1].history.map((entry: { action: string }) => entry.action)).toEqual(["recorded", "withdrawn"]);
    const [event] = await auditOf(response.headers["x-request-id"]!);
    expect(event).toMatchObject({ action: "consent.view", decision: "allow", status: 200, customer_id: customerId, consent_id: null });
    expect(JSON.parse(String(event!.detail))).toEqual({ count: 3 });
  });

  it("when a customer has no consent, then the list is empty", async () => {
    const customer = await createCustomer(gw);
    expect((await get(`/v1/admin/customers/${customer.id}/consents`).expect(200)).body).toEqual({ items: [] });
  });

  it("when the customer does not exist, then 404 and no read is audited", async () => {
    const response = await get(`/v1/admin/customers/${randomUUID()}/consents`).expect(404);
    expect(response.body.code).toBe("not_found");
    expect(await auditOf(response.headers["x-request-id"]!)).toEqual([]);
  });

  it("when one consent is read, then it comes back whole and the read is audited with its ids", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["relationship_management"] });
    const response = await get(`/v1/admin/consents/${consent.id}`).expect(200);
    expect(response.body).toMatchObject({ id: consent.id, customerId, dealerId, status: "active", purposes: ["relationship_management"] });
    expect(await auditOf(response.headers["x-request-id"]!)).toEqual([
      expect.objectContaining({ action: "consent.view", decision: "allow", customer_id: customerId, dealer_id: dealerId, consent_id: consent.id, detail: null }),
    ]);
  });

  it("when the consent does not exist or the id is no UUID, then 404 or 400", async () => {
    expect((await get(`/v1/admin/consents/${randomUUID()}`).expect(404)).body.code).toBe("not_found");
    expect((await get("/v1/admin/consents/not-a-uuid").expect(400)).body.code).toBe("validation_failed");
  });

  it("when the read cannot be audited, then 503 and no consent data", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery"] });
    auditFails = true;
    try {
      const single = await get(`/v1/admin/consents/${consent.id}`).expect(503);
      const list = await get(`/v1/admin/customers/${customerId}/consents`).expect(503);
      expect(single.text + list.text).not.toContain(consent.id);
    } finally {
      auditFails = false;
    }
  });
});

describe("who may manage consents", () => {
  it("when an admin without crm_admin calls any consent route, then 403 and nothing is written", async () => {
    const { customerId, dealerId } = await customerAndDealer();
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery"] });
    const username = `auditor-${randomUUID().slice(0, 8)}`;
    await post("/v1/admin/users", { username, password: "auditor-password-1", roles: ["compliance_auditor", "user_admin"] }).expect(201);
    const login = await gw.http.post("/v1/auth/login").send({ username, password: "auditor-password-1" }).expect(200);
    const other = login.body.access_token as string;
    const before = await consentTables();

    const attempts = [
      gw.http.post(`/v1/admin/customers/${customerId}/consents`).send(validBody(dealerId)),
      gw.http.post(`/v1/admin/consents/${consent.id}/withdraw`).send({}),
      gw.http.get(`/v1/admin/customers/${customerId}/consents`),
      gw.http.get(`/v1/admin/consents/${consent.id}`),
    ];
    for (const attempt of attempts) expect((await attempt.auth(other, { type: "bearer" }).expect(403)).body.code).toBe("forbidden");
    expect(await consentTables()).toEqual(before);
  });
});
