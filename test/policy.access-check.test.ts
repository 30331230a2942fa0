import { startTestGateway } from "./support/gateway";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDealer, dealerWithAccess, putGrant, type DealerWithAccess } from "./support/fixtures";
import type { TestGateway } from "./support/gateway";
import { asAdmin, rawAuditText, SERVICE_DELIVERY_FIELDS, theAuditOf } from "./dealer-api.support";

let gw: TestGateway;
let access: DealerWithAccess;
let adminToken: string;
beforeAll(async () => {
  gw = await startTestGateway();
  access = await dealerWithAccess(gw, "service_delivery");
  adminToken = await gw.adminToken();
});
afterAll(async () => {
  await gw?.stop();
});

const check = (body: object, token: string) => gw.http.post("/v1/admin/access-check").auth(token, { type: "bearer" }).send(body);
const adminCheck = (body: object) => check(body, adminToken);

async function tokenWithRoles(roles: string[]): Promise<string> {
  const username = `user-${randomUUID().slice(0, 8)}`;
  const password = "a-long-enough-password";
  expect((await asAdmin(gw, "post", "/v1/admin/users", { username, password, roles })).status).toBe(201);
  return (await gw.http.post("/v1/auth/login").send({ username, password }).expect(200)).body.access_token;
}

describe("POST /v1/admin/access-check", () => {
  it("when the dealer may read the customer, then allow with the fields a read would release, no personal data, audited", async () => {
    const response = await adminCheck({ dealerId: access.dealer.id, customerId: access.customer.id, purpose: "service_delivery" }).expect(200);
    expect(response.body).toEqual({ allow: true, reason: "allowed", fields: SERVICE_DELIVERY_FIELDS });
    expect(response.text).not.toContain(access.customer.email!);
    const event = await theAuditOf(gw, response);
    expect(event).toMatchObject({
      action: "access.check", actor_type: "admin", decision: "allow", reason: "allowed", dealer_id: access.dealer.id, customer_id: access.customer.id,
      purpose: "service_delivery", consent_id: access.consent.id, grant_id: access.grant.id, detail: { allow: true, fields: SERVICE_DELIVERY_FIELDS },
    });
    expect(await rawAuditText(gw, response)).not.toContain(access.customer.email!);
  });

  it("when the grant narrows the fields, then the check lists only those", async () => {
    const own = await dealerWithAccess(gw, "record_accuracy");
    await putGrant(gw, own.dealer.id, "record_accuracy", { fields: ["email", "name"] });
    const response = await adminCheck({ dealerId: own.dealer.id, customerId: own.customer.id, purpose: "record_accuracy" }).expect(200);
    expect(response.body).toEqual({ allow: true, reason: "allowed", fields: ["name", "email"] });
  });

  it("when something stands in the way, then it names the real reason the dealer's 404 hides", async () => {
    const own = await dealerWithAccess(gw, "service_delivery");
    await asAdmin(gw, "post", `/v1/admin/consents/${own.consent.id}/withdraw`, {}).then((r) => expect(r.status).toBe(200));
    const us = await createDealer(gw, { country: "US" });
    await putGrant(gw, us.id, "service_delivery");
    const cases: [object, string][] = [
      [{ dealerId: own.dealer.id, customerId: own.customer.id, purpose: "service_delivery" }, "consent_withdrawn"],
      [{ dealerId: access.dealer.id, customerId: randomUUID(), purpose: "service_delivery" }, "customer_unknown"],
      [{ dealerId: access.dealer.id, customerId: access.customer.id, purpose: "record_accuracy" }, "purpose_not_granted"],
      [{ dealerId: access.dealer.id, customerId: access.customer.id, purpose: "marketing" }, "invalid_purpose"],
      [{ dealerId: us.id, customerId: access.customer.id, purpose: "service_delivery" }, "transfer_safeguard_missing"],
      [{ dealerId: randomUUID(), customerId: access.customer.id, purpose: "service_delivery" }, "dealer_unknown"],
    ];
    for (const [body, reason] of cases) {
      const response = await adminCheck(body).expect(200);
      expect(response.body, reason).toEqual({ allow: false, reason, fields: [] });
      expect(await theAuditOf(gw, response)).toMatchObject({ action: "access.check", decision: "deny", reason, detail: { allow: false } });
    }
  });

  it("when the dealer is suspended, then the check says so", async () => {
    const own = await dealerWithAccess(gw, "service_delivery");
    await asAdmin(gw, "post", `/v1/admin/dealers/${own.dealer.id}/suspend`).then((r) => expect(r.status).toBe(200));
    const response = await adminCheck({ dealerId: own.dealer.id, customerId: own.customer.id, purpose: "service_delivery" }).expect(200);
    expect(response.body).toEqual({ allow: false, reason: "dealer_suspended", fields: [] });
  });

  it("when the body is malformed, then 400 validation_failed", async () => {
    for (const body of [{}, { dealerId: "x", customerId: access.customer.id, purpose: "service_delivery" }, { dealerId: access.dealer.id, customerId: access.customer.id, purpose: "service_delivery", extra: 1 }]) {
      expect((await adminCheck(body)).status).toBe(400);
    }
  });

  it("when the caller is a compliance auditor, then it may check; a user admin alone may not; a dealer token is refused", async () => {
    const body = { dealerId: access.dealer.id, customerId: access.customer.id, purpose: "service_delivery" };
    await check(body, await tokenWithRoles(["compliance_auditor"])).expect(200);
    await check(body, await tokenWithRoles(["crm_admin"])).expect(200);
    await check(body, await tokenWithRoles(["user_admin"])).expect(403);
    await check(body, access.token).expect(401);
  });
});
