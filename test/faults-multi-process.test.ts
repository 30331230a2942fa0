import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnGateway, type ChildGateway } from "./support/child-gateway";
import { createTestDatabase, TEST_DB, type TestDatabase } from "./support/databases";
import { customerRecord, dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { ADMIN_PASSWORD, type TestGateway } from "./support/gateway";

/**
 * Contract 8: several gateway processes on one MySQL database keep every guarantee of section 1. Two
 * real processes: a change taken by one bites at once on the other (no cache in between), and
 * concurrent writes through both leave an audit chain that verifies.
 */

describe.skipIf(TEST_DB !== "mysql")("two gateway processes on one MySQL database", () => {
  let database: TestDatabase;
  let a: ChildGateway;
  let b: ChildGateway;
  let viaA: TestGateway & { token: string };
  let viaB: TestGateway & { token: string };

  async function asTestGateway(child: ChildGateway): Promise<TestGateway & { token: string }> {
    const http = supertest(child.url);
    const token = (await http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(200)).body.access_token as string;
    return { http, url: child.url, adminToken: async () => token, token } as unknown as TestGateway & { token: string };
  }

  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    [a, b] = await Promise.all([spawnGateway({ databaseUrl: database.url }), spawnGateway({ databaseUrl: database.url })]);
    [viaA, viaB] = await Promise.all([asTestGateway(a), asTestGateway(b)]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a?.dispose(), b?.dispose()]);
    await database?.drop();
  });

  const read = (gw: TestGateway, access: DealerWithAccess) => gw.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(access.token, { type: "bearer" });

  async function readableOnB(): Promise<DealerWithAccess> {
    const access = await dealerWithAccess(viaA);
    await read(viaB, access).expect(200);
    return access;
  }

  it.each([
    ["the credential is revoked", 401, (x: DealerWithAccess) => viaA.http.delete(`/v1/admin/dealers/${x.dealer.id}/credentials/${x.credential.clientId}`)],
    ["the dealer is suspended", 401, (x: DealerWithAccess) => viaA.http.post(`/v1/admin/dealers/${x.dealer.id}/suspend`)],
    ["the grant is revoked", 403, (x: DealerWithAccess) => viaA.http.delete(`/v1/admin/dealers/${x.dealer.id}/grants/service_delivery`)],
    ["the consent is withdrawn", 404, (x: DealerWithAccess) => viaA.http.post(`/v1/admin/consents/${x.consent.id}/withdraw`).send({})],
    ["the customer is erased", 404, (x: DealerWithAccess) => viaA.http.post(`/v1/admin/customers/${x.customer.id}/erase`).send({})],
  ] as const)("when %s through process A, then the very next read on process B is refused %i", async (_name, status, change) => {
    const access = await readableOnB();
    const changed = await change(access).auth(viaA.token, { type: "bearer" });
    expect(changed.status, changed.text).toBeLessThan(300);
    const refused = await read(viaB, access);
    expect(refused.status).toBe(status);
    expect(refused.body.data).toBeUndefined();
  });

  it("when both processes take concurrent writes and reads, then every answer is a success and the audit log verifies on both", async () => {
    const access = await dealerWithAccess(viaA);
    const burst = (gw: TestGateway & { token: string }) => Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? gw.http.post("/v1/admin/customers").auth(gw.token, { type: "bearer" }).send(customerRecord())
        : gw.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(access.token, { type: "bearer" }));
    const answers = await Promise.all([...burst(viaA), ...burst(viaB)]);
    expect(answers.filter((answer) => answer.status >= 300).map((answer) => `${answer.status} ${answer.text}`)).toEqual([]);

    // Verification covers every committed event at once, integrated or still pending.
    const first = await viaA.http.get("/v1/audit/verify").auth(viaA.token, { type: "bearer" });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ ok: true });
    expect(first.body.checked).toBeGreaterThan(80);
    expect(first.body.firstBadEventId).toBeUndefined();
    const second = await viaB.http.get("/v1/audit/verify").auth(viaB.token, { type: "bearer" }).expect(200);
    expect(second.body).toMatchObject({ ok: true });
    expect(second.body.checked).toBeGreaterThanOrEqual(first.body.checked);
  }, 60_000);
});
