import { startTestGateway } from "./support/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import type { TestGateway } from "./support/gateway";
import { asAdmin, auditOf, readCustomer, theAuditOf } from "./dealer-api.support";

/**
 * Contract 1.5: every revocation bites on the very next request, on every gateway process, for tokens
 * issued before it. Instance A takes the admin change; instance B, on the same database, serves the
 * dealer with the token it held all along.
 */
let a: TestGateway;
let b: TestGateway;
beforeAll(async () => {
  a = await startTestGateway();
  b = await startTestGateway({ database: a.database, clock: a.clock });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

async function readableThroughB(): Promise<DealerWithAccess> {
  const access = await dealerWithAccess(a, "service_delivery");
  await readCustomer(b, access.token, access.customer.id).expect(200);
  return access;
}

async function changeThroughA(method: "post" | "delete", path: string, status: number, body?: object): Promise<void> {
  const response = await asAdmin(a, method, path, body);
  expect(response.status, response.text).toBe(status);
}

describe("revocation across gateway instances, with a token issued before it", () => {
  it("when the consent is withdrawn, then the next read, lookup and list on the other instance leave the customer out", async () => {
    const access = await readableThroughB();
    await changeThroughA("post", `/v1/admin/consents/${access.consent.id}/withdraw`, 200, {});
    const read = await readCustomer(b, access.token, access.customer.id).expect(404);
    expect(await theAuditOf(b, read)).toMatchObject({ reason: "consent_withdrawn" });
    const lookup = await b.http.post("/v1/customers/lookup?purpose=service_delivery").auth(access.token, { type: "bearer" }).send({ email: access.customer.email }).expect(200);
    expect(lookup.body.matches).toEqual([]);
    const list = await b.http.get("/v1/customers?purpose=service_delivery").auth(access.token, { type: "bearer" }).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it("when the grant is revoked, then the next read on the other instance is 403 purpose_not_granted", async () => {
    const access = await readableThroughB();
    await changeThroughA("delete", `/v1/admin/dealers/${access.dealer.id}/grants/service_delivery`, 204);
    const read = await readCustomer(b, access.token, access.customer.id).expect(403);
    expect(read.body.code).toBe("purpose_not_granted");
    expect(await theAuditOf(b, read)).toMatchObject({ reason: "purpose_not_granted" });
  });

  it("when the credential is revoked, then the next request on the other instance is 401, audited", async () => {
    const access = await readableThroughB();
    await changeThroughA("delete", `/v1/admin/dealers/${access.dealer.id}/credentials/${access.credential.clientId}`, 204);
    const read = await readCustomer(b, access.token, access.customer.id).expect(401);
    expect(read.body.data).toBeUndefined();
    expect(await auditOf(b, read)).toMatchObject([{ action: "auth.bearer", decision: "deny", reason: "credential_revoked" }]);
    await b.http.get("/v1/consent-events").auth(access.token, { type: "bearer" }).expect(401);
  });

  it("when the dealer is suspended, then the next request on the other instance is 401, and reinstating restores access", async () => {
    const access = await readableThroughB();
    await changeThroughA("post", `/v1/admin/dealers/${access.dealer.id}/suspend`, 200);
    const read = await readCustomer(b, access.token, access.customer.id).expect(401);
    expect(await auditOf(b, read)).toMatchObject([{ reason: "dealer_suspended" }]);
    await changeThroughA("post", `/v1/admin/dealers/${access.dealer.id}/reinstate`, 200);
    await readCustomer(b, access.token, access.customer.id).expect(200);
  });

  it("when the customer is restricted, then the next read on the other instance is the 404, and lifting it restores access", async () => {
    const access = await readableThroughB();
    await changeThroughA("post", `/v1/admin/customers/${access.customer.id}/restrict`, 200);
    const read = await readCustomer(b, access.token, access.customer.id).expect(404);
    expect(await theAuditOf(b, read)).toMatchObject({ reason: "customer_restricted" });
    await changeThroughA("post", `/v1/admin/customers/${access.customer.id}/unrestrict`, 200);
    await readCustomer(b, access.token, access.customer.id).expect(200);
  });

  it("when the customer is erased, then the next read on the other instance is the 404 and the erasure reaches the dealer's feed", async () => {
    const access = await readableThroughB();
    await changeThroughA("post", `/v1/admin/customers/${access.customer.id}/erase`, 200);
    const read = await readCustomer(b, access.token, access.customer.id).expect(404);
    expect(await theAuditOf(b, read)).toMatchObject({ reason: "customer_erased" });
    const feed = await b.http.get("/v1/consent-events").auth(access.token, { type: "bearer" }).expect(200);
    expect(feed.body.items.map((item: { type: string }) => item.type)).toContain("customer.erased");
  });
});
