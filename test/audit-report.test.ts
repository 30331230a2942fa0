import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDealer, createCredential, dealerToken, dealerWithAccess, putGrant, recordConsent, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { auditGet, auditor, eventsWhere } from "./audit.support";
import { countRows } from "./support/db-state";

let gw: TestGateway;
let first: DealerWithAccess;
let secondDealerId: string;
let secondConsentId: string;
let strangerDealerId: string;

const dealerGet = (token: string, path: string) => gw.http.get(path).auth(token, { type: "bearer" });

beforeAll(async () => {
  gw = await startTestGateway({ env: { RATE_LIMIT_PER_MINUTE: "100000", LOGIN_RATE_LIMIT_PER_MINUTE: "100000" } });
  first = await dealerWithAccess(gw, "service_delivery");
  const { customer } = first;
  await dealerGet(first.token, `/v1/customers/${customer.id}?purpose=service_delivery`).expect(200);
  gw.clock.advance(60_000);
  await gw.http.post("/v1/customers/lookup?purpose=service_delivery").auth(first.token, { type: "bearer" }).send({ email: customer.email }).expect(200);
  // A second consenting customer, so the list page names two customers.
  const other = await dealerWithAccess(gw, "service_delivery");
  await recordConsent(gw, other.customer.id, { dealerId: first.dealer.id, purposes: ["service_delivery"] });
  gw.clock.advance(60_000);
  const list = await dealerGet(first.token, "/v1/customers?purpose=service_delivery").expect(200);
  expect(list.body.items).toHaveLength(2);

  const second = await createDealer(gw, { country: "CH" });
  secondDealerId = second.id;
  await putGrant(gw, second.id, "in_store_experience", { fields: ["name", "interests"] });
  const secondConsent = await recordConsent(gw, customer.id, { dealerId: second.id, purposes: ["in_store_experience"], channel: "web" });
  secondConsentId = secondConsent.id;
  const secondToken = await dealerToken(gw, await createCredential(gw, second.id));
  gw.clock.advance(60_000);
  await dealerGet(secondToken, `/v1/customers/${customer.id}?purpose=in_store_experience`).expect(200);

  const stranger = await createDealer(gw);
  strangerDealerId = stranger.id;
  await putGrant(gw, stranger.id, "service_delivery");
  const strangerToken = await dealerToken(gw, await createCredential(gw, stranger.id));
  await dealerGet(strangerToken, `/v1/customers/${customer.id}?purpose=service_delivery`).expect(404);
}, 120_000);
afterAll(async () => {
  await gw?.stop();
});

describe("GET /v1/audit/customers/{id}/report", () => {
  it("when a data subject asks, then every dealer that received the data is listed with when, why, which fields, consent and grant", async () => {
    const response = await auditGet(gw, `/v1/audit/customers/${first.customer.id}/report`);
    const report = response.body;
    expect(report).toMatchObject({ customerId: first.customer.id, status: "active" });
    expect(report.disclosures.map((d: { action: string; dealerId: string }) => [d.action, d.dealerId])).toEqual([
      ["customer.read", first.dealer.id], ["customer.lookup", first.dealer.id], ["customer.list", first.dealer.id], ["customer.read", secondDealerId],
    ]);
    for (const disclosure of report.disclosures.slice(0, 3)) {
      expect(disclosure).toMatchObject({ purpose: "service_delivery", consentId: first.consent.id, grantId: first.grant.id });
      expect(disclosure.fields).toContain("email");
    }
    expect(report.disclosures[3]).toMatchObject({ purpose: "in_store_experience", consentId: secondConsentId });
    expect([...report.disclosures[3].fields].sort()).toEqual(["interests", "name"]);
    expect(report.recipients.map((r: { dealerId: string }) => r.dealerId)).toEqual([first.dealer.id, secondDealerId]);
    expect(report.recipients[0]).toMatchObject({ disclosures: 3, purposes: ["service_delivery"], name: first.dealer.name, country: "FR" });
    expect(report.recipients[1]).toMatchObject({ disclosures: 1, purposes: ["in_store_experience"], country: "CH" });
    expect(JSON.stringify(report)).not.toContain(strangerDealerId);
  });

  it("when a consent was withdrawn, then the report's consent history shows it, with channel, evidence and policy version", async () => {
    await gw.http.post(`/v1/admin/consents/${secondConsentId}/withdraw`).set(await auditor(gw)).send({}).expect(200);
    const { body } = await auditGet(gw, `/v1/audit/customers/${first.customer.id}/report`);
    const withdrawn = body.consents.find((c: { id: string }) => c.id === secondConsentId);
    expect(withdrawn).toMatchObject({ dealerId: secondDealerId, channel: "web", policyVersion: "2021-04", status: "withdrawn" });
    expect(withdrawn.evidenceRef).toMatch(/^EV-/);
    expect(withdrawn.history.map((h: { action: string }) => h.action)).toEqual(["recorded", "withdrawn"]);
    expect(body.consents.find((c: { id: string }) => c.id === first.consent.id)).toMatchObject({ status: "active" });
  });

  it("when the report is made, then an audit.report event names the customer in its detail", async () => {
    const response = await auditGet(gw, `/v1/audit/customers/${first.customer.id}/report`);
    const [event] = await eventsWhere<{ action: string; detail: string; status: number }>(gw, "request_id = ?", [response.headers["x-request-id"]]);
    expect(event!.action).toBe("audit.report");
    expect(JSON.parse(event!.detail)).toEqual({ customerId: first.customer.id });
  });

  it("when the customer is erased, then the report still answers, with ids only", async () => {
    const subject = await dealerWithAccess(gw, "record_accuracy");
    await dealerGet(subject.token, `/v1/customers/${subject.customer.id}?purpose=record_accuracy`).expect(200);
    await gw.http.post(`/v1/admin/customers/${subject.customer.id}/erase`).set(await auditor(gw)).send({}).expect(200);
    const { body, text } = await auditGet(gw, `/v1/audit/customers/${subject.customer.id}/report`);
    expect(body).toMatchObject({ status: "erased" });
    expect(body.erasedAt).toBeTruthy();
    expect(body.disclosures).toHaveLength(1);
    expect(body.consents).toHaveLength(1);
    for (const personal of [subject.customer.email, subject.customer.phone, subject.customer.name.family]) expect(text).not.toContain(personal);
  });

  it("when the customer does not exist, then 404, and the attempt is audited", async () => {
    const unknown = randomUUID();
    const response = await auditGet(gw, `/v1/audit/customers/${unknown}/report`, 404);
    expect(response.body.code).toBe("not_found");
    const [event] = await eventsWhere<{ action: string; status: number | string }>(gw, "request_id = ?", [response.headers["x-request-id"]]);
    expect(event).toMatchObject({ action: "audit.report" });
    expect(Number(event!.status)).toBe(404);
  });

  it("when the id is not a UUID or an unknown parameter is given, then 400 and nothing is written", async () => {
    const before = await countRows(gw, "audit_events");
    await auditGet(gw, "/v1/audit/customers/12345/report", 400);
    await auditGet(gw, `/v1/audit/customers/${first.customer.id}/report?format=pdf`, 400);
    expect(await countRows(gw, "audit_events")).toBe(before);
  });
});

describe("pending purges", () => {
  it("when a dealer has not acknowledged withdrawals and erasures, then they are listed oldest first with their age", async () => {
    const access = await dealerWithAccess(gw, "service_delivery");
    await gw.http.post(`/v1/admin/consents/${access.consent.id}/withdraw`).set(await auditor(gw)).send({}).expect(200);
    const withdrawnAt = gw.clock.read().toISOString();
    gw.clock.advance(90_000);
    await gw.http.post(`/v1/admin/customers/${access.customer.id}/erase`).set(await auditor(gw)).send({}).expect(200);
    gw.clock.advance(30_000);

    const { body } = await auditGet(gw, `/v1/audit/dealers/${access.dealer.id}/pending-purges`);
    expect(body).toMatchObject({ dealerId: access.dealer.id, acknowledgedUpTo: null, pending: 2, oldestSince: withdrawnAt, nextCursor: null });
    expect(body.items.map((i: { type: string; ageSeconds: number }) => [i.type, i.ageSeconds])).toEqual([["consent.withdrawn", 120], ["customer.erased", 30]]);
    expect(body.items[0]).toMatchObject({ customerId: access.customer.id, purpose: "service_delivery", since: withdrawnAt });

    const overview = await auditGet(gw, "/v1/audit/pending-purges");
    expect(overview.body.items.find((i: { dealerId: string }) => i.dealerId === access.dealer.id)).toMatchObject({ pending: 2, oldestSince: withdrawnAt, ageSeconds: 120 });

    const paged = await auditGet(gw, `/v1/audit/dealers/${access.dealer.id}/pending-purges?limit=1`);
    expect(paged.body.items).toHaveLength(1);
    const rest = await auditGet(gw, `/v1/audit/dealers/${access.dealer.id}/pending-purges?limit=1&cursor=${paged.body.nextCursor}`);
    expect(rest.body.items.map((i: { type: string }) => i.type)).toEqual(["customer.erased"]);
    await auditGet(gw, `/v1/audit/dealers/${randomUUID()}/pending-purges?cursor=${paged.body.nextCursor}`, 400);

    await gw.http.post("/v1/consent-events/ack").auth(access.token, { type: "bearer" }).send({ upTo: body.items[0].id }).expect(200);
    const after = await auditGet(gw, `/v1/audit/dealers/${access.dealer.id}/pending-purges`);
    expect(after.body).toMatchObject({ acknowledgedUpTo: body.items[0].id, pending: 1 });
    expect(after.body.items.map((i: { type: string }) => i.type)).toEqual(["customer.erased"]);
  });

  it("when the dealer does not exist, then 404; when the id is malformed, then 400", async () => {
    await auditGet(gw, `/v1/audit/dealers/${randomUUID()}/pending-purges`, 404);
    await auditGet(gw, "/v1/audit/dealers/nope/pending-purges", 400);
    await auditGet(gw, "/v1/audit/pending-purges?dealerId=x", 400);
  });
});
