import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, startTestGateway, type TestGateway } from "./support/gateway";
import { auditGet, auditor, eventsWhere, writeEvent } from "./audit.support";
import { countRows } from "./support/db-state";

let gw: TestGateway;
const customerId = randomUUID();
const dealerId = randomUUID();
const otherDealer = randomUUID();

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.adminToken();
  await writeEvent(gw, {
    actorType: "dealer", actorId: "dlr_0123456789abcdef01234567", action: "customer.read", dealerId, customerId, purpose: "service_delivery",
    consentId: randomUUID(), grantId: randomUUID(), fields: ["name", "email"], status: 200,
  });
  gw.clock.advance(60_000);
  await writeEvent(gw, { actorType: "dealer", actorId: "dlr_0123456789abcdef01234567", action: "customer.read", dealerId, customerId, purpose: "record_accuracy", decision: "deny", reason: "consent_missing", status: 404 });
  gw.clock.advance(60_000);
  await writeEvent(gw, { actorType: "dealer", actorId: "dlr_ffff", action: "customer.read", dealerId: otherDealer, customerId, purpose: "service_delivery", status: 200, fields: ["name"] });
  await gw.http.post("/v1/auth/login").send({ username: "admin", password: "not-the-password" }).expect(401);
});
afterAll(async () => {
  await gw?.stop();
});

describe("GET /v1/audit/events", () => {
  it("when an auditor filters by customer, then the events come newest first in the contract's shape", async () => {
    const response = await auditGet(gw, `/v1/audit/events?customerId=${customerId}`);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.body.nextCursor).toBeNull();
    expect(response.body.items.map((e: { dealerId: string; decision: string }) => [e.dealerId, e.decision])).toEqual([
      [otherDealer, "allow"], [dealerId, "deny"], [dealerId, "allow"],
    ]);
    const allowed = response.body.items[2];
    expect(Object.keys(allowed).sort()).toEqual([
      "action", "actorId", "actorType", "at", "consentId", "customerId", "dealerId", "decision", "fields", "grantId", "id", "ip", "purpose", "requestId", "status",
    ].sort());
    expect(allowed).toMatchObject({ actorType: "dealer", action: "customer.read", purpose: "service_delivery", fields: ["name", "email"], status: 200, at: "2026-06-01T10:00:00.000Z" });
    const denied = response.body.items[1];
    expect(denied).toMatchObject({ decision: "deny", reason: "consent_missing", status: 404 });
    expect(denied).not.toHaveProperty("consentId");
    expect(denied).not.toHaveProperty("fields");
  });

  it("when filters are combined, then every one applies", async () => {
    const byDealer = await auditGet(gw, `/v1/audit/events?dealerId=${dealerId}&decision=allow`);
    expect(byDealer.body.items).toHaveLength(1);
    const byPurpose = await auditGet(gw, `/v1/audit/events?customerId=${customerId}&purpose=record_accuracy`);
    expect(byPurpose.body.items.map((e: { reason: string }) => e.reason)).toEqual(["consent_missing"]);
    const byActor = await auditGet(gw, "/v1/audit/events?actorId=dlr_ffff");
    expect(byActor.body.items.map((e: { dealerId: string }) => e.dealerId)).toEqual([otherDealer]);
    const byAction = await auditGet(gw, "/v1/audit/events?action=auth.login&decision=deny");
    expect(byAction.body.items).toHaveLength(1);
    expect(byAction.body.items[0]).toMatchObject({ actorType: "admin", reason: "password_wrong", status: 401 });
  });

  it("when a time range is given, then from is inclusive and to exclusive, in any time zone", async () => {
    const range = await auditGet(gw, `/v1/audit/events?customerId=${customerId}&from=2026-06-01T12:01:00%2B02:00&to=2026-06-01T10:02:00Z`);
    expect(range.body.items.map((e: { at: string }) => e.at)).toEqual(["2026-06-01T10:01:00.000Z"]);
  });

  it("when pages are walked with the cursor, then every event comes once and the last page has no cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await auditGet(gw, `/v1/audit/events?customerId=${customerId}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...response.body.items.map((e: { id: string }) => e.id));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
  });

  it("when the query is answered, then an audit.query event recording the filters, not the results, was written", async () => {
    const response = await auditGet(gw, `/v1/audit/events?customerId=${customerId}&decision=deny&limit=5`);
    const events = await eventsWhere<{ action: string; actor_type: string; detail: string; customer_id: string | null }>(gw, "request_id = ?", [response.headers["x-request-id"]]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "audit.query", actor_type: "admin", customer_id: null });
    expect(JSON.parse(events[0]!.detail)).toEqual({ filters: { customerId, decision: "deny" }, limit: 5, continued: false });
  });

  it("when no filter is given, then the newest event is the query's own audit event", async () => {
    const response = await auditGet(gw, "/v1/audit/events?limit=1");
    expect(response.body.items[0]).toMatchObject({ action: "audit.query", requestId: response.headers["x-request-id"] });
  });

  it.each([
    ["customerId=not-a-uuid", "customerId"],
    ["dealerId=123", "dealerId"],
    ["decision=maybe", "decision"],
    ["from=yesterday", "from"],
    ["to=2026-06-01", "to"],
    ["from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z", "to"],
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["limit=ten", "limit"],
    ["cursor=bm90LWEtY3Vyc29y", "cursor"],
    ["actorId=%3Cscript%3E", "actorId"],
    ["action=DROP%20TABLE", "action"],
    ["customerId=" + randomUUID() + "&customerId=" + randomUUID(), "customerId"],
    ["sort=asc", "(root)"],
  ])("when the query has %s, then 400 names %s and nothing is written", async (query, path) => {
    const before = await countRows(gw, "audit_events");
    const response = await auditGet(gw, `/v1/audit/events?${query}`, 400);
    expect(response.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(response.body.code).toBe("validation_failed");
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await countRows(gw, "audit_events")).toBe(before);
  });

  it("when a cursor of one query is replayed with other filters, then 400", async () => {
    const first = await auditGet(gw, `/v1/audit/events?customerId=${customerId}&limit=1`);
    const response = await auditGet(gw, `/v1/audit/events?dealerId=${dealerId}&limit=1&cursor=${first.body.nextCursor}`, 400);
    expect(response.body.errors).toEqual([{ path: "cursor", message: "invalid cursor" }]);
  });

  it("when the caller accepts neither JSON, CSV nor NDJSON, then 406 and nothing is written", async () => {
    const before = await countRows(gw, "audit_events");
    const response = await auditGet(gw, "/v1/audit/events", 406, { Accept: "application/xml" });
    expect(response.body.code).toBe("not_acceptable");
    expect(await countRows(gw, "audit_events")).toBe(before);
  });

  it("when an admin without compliance_auditor asks, then 403", async () => {
    const username = `crm-${randomUUID().slice(0, 8)}`;
    await gw.http.post("/v1/admin/users").set(await auditor(gw)).send({ username, password: ADMIN_PASSWORD, roles: ["crm_admin"] }).expect(201);
    const login = await gw.http.post("/v1/auth/login").send({ username, password: ADMIN_PASSWORD });
    for (const path of ["/v1/audit/events", `/v1/audit/customers/${customerId}/report`, `/v1/audit/dealers/${dealerId}/pending-purges`, "/v1/audit/pending-purges", "/v1/audit/verify"]) {
      const response = await gw.http.get(path).auth(login.body.access_token, { type: "bearer" });
      expect(response.status, path).toBe(403);
    }
  });

  it("when no token is given, then 401", async () => {
    await gw.http.get("/v1/audit/events").expect(401);
  });
});
