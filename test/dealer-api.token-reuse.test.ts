import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { asAdmin, auditOf, readCustomer, theAuditOf } from "./dealer-api.support";

/**
 * A token used again skips its signature check (the verified-token cache), and the dealer read path
 * reads the credential and dealer in its access query rather than in a query of its own. Neither may
 * let a revoked credential, a suspended dealer or the wrong audience through.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

describe("a dealer token used again and again", () => {
  it("when the credential is revoked after the token was verified and reused, then the next read, lookup, list and feed are 401, audited as auth.bearer", async () => {
    const access = await dealerWithAccess(gw);
    await readCustomer(gw, access.token, access.customer.id).expect(200);
    await readCustomer(gw, access.token, access.customer.id).expect(200);
    await gw.http.get("/v1/consent-events").auth(access.token, { type: "bearer" }).expect(200);
    expect((await asAdmin(gw, "delete", `/v1/admin/dealers/${access.dealer.id}/credentials/${access.credential.clientId}`)).status).toBe(204);

    const read = await readCustomer(gw, access.token, access.customer.id).expect(401);
    expect(read.body.data).toBeUndefined();
    expect(await theAuditOf(gw, read)).toMatchObject({ action: "auth.bearer", decision: "deny", reason: "credential_revoked", status: 401 });
    const lookup = await gw.http.post("/v1/customers/lookup?purpose=service_delivery").auth(access.token, { type: "bearer" }).send({ email: access.customer.email }).expect(401);
    expect(lookup.body.matches).toBeUndefined();
    await gw.http.get("/v1/customers?purpose=service_delivery").auth(access.token, { type: "bearer" }).expect(401);
    await gw.http.get("/v1/consent-events").auth(access.token, { type: "bearer" }).expect(401);
  });

  it("when the dealer is suspended after its token was reused, then the next read is 401 dealer_suspended", async () => {
    const access = await dealerWithAccess(gw);
    await readCustomer(gw, access.token, access.customer.id).expect(200);
    await readCustomer(gw, access.token, access.customer.id).expect(200);
    await asAdmin(gw, "post", `/v1/admin/dealers/${access.dealer.id}/suspend`);
    const read = await readCustomer(gw, access.token, access.customer.id).expect(401);
    expect(await theAuditOf(gw, read)).toMatchObject({ action: "auth.bearer", reason: "dealer_suspended" });
  });

  it("when a revoked credential sends a read the gateway cannot parse, then the answer is still the 401, not the 400", async () => {
    const access = await dealerWithAccess(gw);
    await readCustomer(gw, access.token, access.customer.id).expect(200);
    await asAdmin(gw, "delete", `/v1/admin/dealers/${access.dealer.id}/credentials/${access.credential.clientId}`);
    const read = await gw.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery&extra=1`).auth(access.token, { type: "bearer" }).expect(401);
    expect(await auditOf(gw, read)).toMatchObject([{ action: "auth.bearer", reason: "credential_revoked" }]);
    const lookup = await gw.http.post("/v1/customers/lookup?purpose=service_delivery").auth(access.token, { type: "bearer" }).send({ email: "not an email" }).expect(401);
    expect(await auditOf(gw, lookup)).toMatchObject([{ action: "auth.bearer", reason: "credential_revoked" }]);
  });

  it("when a live credential sends a read the gateway cannot parse, then it gets the 400 as before", async () => {
    const access = await dealerWithAccess(gw);
    const read = await gw.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery&extra=1`).auth(access.token, { type: "bearer" }).expect(400);
    expect(await theAuditOf(gw, read)).toMatchObject({ action: "customer.read", decision: "deny", status: 400 });
  });

  it("when a dealer token already reused on the dealer API is sent to the admin API, then it is refused there", async () => {
    const access = await dealerWithAccess(gw);
    await readCustomer(gw, access.token, access.customer.id).expect(200);
    await readCustomer(gw, access.token, access.customer.id).expect(200);
    const refused = await gw.http.get("/v1/purposes").auth(access.token, { type: "bearer" }).expect(401);
    expect(await theAuditOf(gw, refused)).toMatchObject({ action: "auth.bearer", reason: "token_audience_wrong" });
  });

  it("when an admin token is sent to the dealer API, then it is refused even after the admin API accepted it", async () => {
    const token = await gw.adminToken();
    await gw.http.get("/v1/purposes").auth(token, { type: "bearer" }).expect(200);
    await gw.http.get("/v1/purposes").auth(token, { type: "bearer" }).expect(200);
    const access = await dealerWithAccess(gw);
    const refused = await readCustomer(gw, token, access.customer.id).expect(401);
    expect(await theAuditOf(gw, refused)).toMatchObject({ action: "auth.bearer", reason: "token_audience_wrong" });
  });
});
