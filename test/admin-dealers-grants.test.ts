import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCredential, createDealer, putGrant, type CredentialBody } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { countRows } from "./support/db-state";

let gw: TestGateway;
let auth: { Authorization: string };
beforeAll(async () => {
  gw = await startTestGateway();
  auth = { Authorization: `Bearer ${await gw.adminToken()}` };
});
afterAll(async () => {
  await gw?.stop();
});

const HOUR = 3_600_000;
const inFuture = (ms: number) => new Date(gw.clock.now.getTime() + ms).toISOString();

const count = (table: string) => countRows(gw, table);

const countWritable = async () => [await count("dealer_grants"), await count("audit_events"), await count("dealer_events")];

function auditEventsOf(response: { headers: Record<string, string> }) {
  return gw.dataSource.query("SELECT action, status, dealer_id, purpose, grant_id, fields, detail FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]]);
}

function tokenScope(credential: CredentialBody, scope?: string) {
  return gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: credential.clientSecret, ...(scope ? { scope } : {}) });
}

describe("putting a grant", () => {
  it("when a grant is put for the first time, then 201 with the purpose's default fields and one grant.put event", async () => {
    const dealer = await createDealer(gw);
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(auth).send({}).expect(201);
    expect(response.body).toEqual({
      id: expect.any(String), dealerId: dealer.id, purpose: "service_delivery", status: "active", fields: null,
      effectiveFields: ["name", "email", "phone", "preferredLanguage", "serviceOrders", "warranties"], write: false,
      expiresAt: null, grantedAt: gw.clock.now.toISOString(), grantedBy: expect.any(String), revokedAt: null, revokedBy: null,
    });
    const events = await auditEventsOf(response);
    expect(events).toEqual([expect.objectContaining({ action: "grant.put", status: 201, dealer_id: dealer.id, purpose: "service_delivery", grant_id: response.body.id })]);
  });

  it("when a record_accuracy grant allows writing, then it is stored and listed with write, and a new grant without write takes it away", async () => {
    const dealer = await createDealer(gw);
    const written = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/record_accuracy`).set(auth).send({ write: true }).expect(201);
    expect(written.body.write).toBe(true);
    expect(JSON.parse((await auditEventsOf(written))[0]!.detail!)).toMatchObject({ write: true });
    const listed = await gw.http.get(`/v1/admin/dealers/${dealer.id}/grants`).set(auth).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ purpose: "record_accuracy", write: true })]);
    await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/record_accuracy`).set(auth).send({}).expect(200);
    const after = await gw.http.get(`/v1/admin/dealers/${dealer.id}/grants`).set(auth).expect(200);
    expect(after.body.items).toEqual([expect.objectContaining({ purpose: "record_accuracy", write: false })]);
  });

  it.each([["service_delivery", { write: true }], ["relationship_management", { write: true }], ["record_accuracy", { write: "yes" }]])(
    "when %s is put with %j, then 400 validation_failed and nothing is granted", async (purpose, body) => {
      const dealer = await createDealer(gw);
      const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/${purpose}`).set(auth).send(body).expect(400);
      expect(response.body.code).toBe("validation_failed");
      expect(response.body.errors).toEqual([expect.objectContaining({ path: "write" })]);
      expect((await gw.http.get(`/v1/admin/dealers/${dealer.id}/grants`).set(auth).expect(200)).body.items).toEqual([]);
    },
  );

  it("when a grant narrows fields and has an expiry, then both are stored", async () => {
    const dealer = await createDealer(gw);
    const expiresAt = inFuture(24 * HOUR);
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/record_accuracy`).set(auth).send({ fields: ["name", "purchases"], expiresAt }).expect(201);
    expect(response.body).toMatchObject({ fields: ["name", "purchases"], effectiveFields: ["name", "purchases"], expiresAt });
    const [row] = await gw.dataSource.query("SELECT fields, expires_at FROM dealer_grants WHERE id = ?", [response.body.id]);
    expect(JSON.parse(row.fields)).toEqual(["name", "purchases"]);
    expect(row.expires_at).toBe(expiresAt);
  });

  it("when expiresAt carries an offset, then it is stored in UTC", async () => {
    const dealer = await createDealer(gw);
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(auth).send({ expiresAt: "2030-01-01T12:00:00+02:00" }).expect(201);
    expect(response.body.expiresAt).toBe("2030-01-01T10:00:00.000Z");
  });

  it("when a live grant is replaced, then 200, the old row is revoked and kept, and history lists both", async () => {
    const dealer = await createDealer(gw);
    const first = await putGrant(gw, dealer.id, "in_store_experience");
    gw.clock.advance(60_000);
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/in_store_experience`).set(auth).send({ fields: ["name"] }).expect(200);
    expect(response.body).toMatchObject({ purpose: "in_store_experience", fields: ["name"], revokedAt: null });
    expect(response.body.id).not.toBe(first.id);

    const rows = await gw.dataSource.query("SELECT id, revoked_at FROM dealer_grants WHERE dealer_id = ? ORDER BY granted_at", [dealer.id]);
    expect(rows).toEqual([{ id: first.id, revoked_at: gw.clock.now.toISOString() }, { id: response.body.id, revoked_at: null }]);
    const [event] = await auditEventsOf(response);
    expect(event).toMatchObject({ action: "grant.put", status: 200, grant_id: response.body.id });
    expect(JSON.parse(event.detail).replacedGrantId).toBe(first.id);
    expect(JSON.parse(event.fields)).toEqual(["name"]);

    const live = await gw.http.get(`/v1/admin/dealers/${dealer.id}/grants`).set(auth).expect(200);
    expect(live.body.items.map((g: { id: string }) => g.id)).toEqual([response.body.id]);
    const history = await gw.http.get(`/v1/admin/dealers/${dealer.id}/grants`).query({ include: "revoked" }).set(auth).expect(200);
    expect(history.body.items.map((g: { id: string; status: string }) => [g.id, g.status])).toEqual([[first.id, "revoked"], [response.body.id, "active"]]);
  });

  it("when the same grant is put several times at once, then exactly one row stays unrevoked", async () => {
    const dealer = await createDealer(gw);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(auth).send({})),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const rows: { revoked_at: string | null }[] = await gw.dataSource.query("SELECT revoked_at FROM dealer_grants WHERE dealer_id = ?", [dealer.id]);
    expect(rows).toHaveLength(5);
    expect(rows.filter((row) => row.revoked_at === null)).toHaveLength(1);
  });

  it("when only an expired grant exists, then putting a new one answers 201", async () => {
    const dealer = await createDealer(gw);
    await putGrant(gw, dealer.id, "relationship_management", { expiresAt: inFuture(HOUR) });
    gw.clock.advance(2 * HOUR);
    await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/relationship_management`).set(auth).send({}).expect(201);
  });

  it("when the purpose is unknown, then 400 invalid_purpose and nothing is written", async () => {
    const dealer = await createDealer(gw);
    const before = await countWritable();
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/marketing`).set(auth).send({}).expect(400);
    expect(response.body.code).toBe("invalid_purpose");
    expect(await countWritable()).toEqual(before);
  });

  it.each([
    ["fields outside the purpose", { fields: ["name", "birthDate", "postalAddress"] }, ["fields.1", "fields.2"]],
    ["a repeated field", { fields: ["name", "name"] }, ["fields.1"]],
    ["an empty field list", { fields: [] }, ["fields"]],
    ["fields that are not strings", { fields: [1] }, ["fields.0"]],
    ["an expiry in the past", { expiresAt: "2020-01-01T00:00:00Z" }, ["expiresAt"]],
    ["an expiry that is not a date-time", { expiresAt: "tomorrow" }, ["expiresAt"]],
    ["a date without time", { expiresAt: "2031-01-01" }, ["expiresAt"]],
    ["an expiry beyond the year 9999", { expiresAt: "9999-12-31T23:59:59-05:00" }, ["expiresAt"]],
  ])("when the grant body has %s, then 400 validation_failed names it and nothing is written", async (_case, body, paths) => {
    const dealer = await createDealer(gw);
    const before = await countWritable();
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(auth).send(body).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(paths);
    expect(await countWritable()).toEqual(before);
  });

  it("when the grant body has an unknown field, then 400 names it and nothing is written", async () => {
    const dealer = await createDealer(gw);
    const before = await countWritable();
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(auth).send({ purpose: "record_accuracy" }).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(response.body.detail).toContain("purpose");
    expect(await countWritable()).toEqual(before);
  });

  it("when the grant names a field outside the purpose, then the error names that field", async () => {
    const dealer = await createDealer(gw);
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(auth).send({ fields: ["birthDate"] }).expect(400);
    expect(response.body.detail).toContain("birthDate");
  });

  it("when the dealer is unknown, then 404 and nothing is written", async () => {
    const before = await countWritable();
    await gw.http.put(`/v1/admin/dealers/${randomUUID()}/grants/service_delivery`).set(auth).send({}).expect(404);
    expect(await countWritable()).toEqual(before);
  });
});

describe("revoking a grant", () => {
  it("when a live grant is revoked, then 204, the row is kept revoked, one grant.revoke event and a grant.revoked dealer event", async () => {
    const dealer = await createDealer(gw);
    const grant = await putGrant(gw, dealer.id, "service_delivery");
    const response = await gw.http.delete(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(auth).expect(204);
    const [row] = await gw.dataSource.query("SELECT revoked_at, revoked_by FROM dealer_grants WHERE id = ?", [grant.id]);
    expect(row.revoked_at).toBe(gw.clock.now.toISOString());
    expect(row.revoked_by).toBeTruthy();
    expect(await auditEventsOf(response)).toEqual([expect.objectContaining({ action: "grant.revoke", status: 204, dealer_id: dealer.id, grant_id: grant.id, purpose: "service_delivery" })]);
    const feed = await gw.dataSource.query("SELECT type, purpose, customer_id, at FROM dealer_events WHERE dealer_id = ?", [dealer.id]);
    expect(feed).toEqual([{ type: "grant.revoked", purpose: "service_delivery", customer_id: null, at: gw.clock.now.toISOString() }]);
    const live = await gw.http.get(`/v1/admin/dealers/${dealer.id}/grants`).set(auth).expect(200);
    expect(live.body).toEqual({ items: [] });
  });

  it("when there is no live grant, then 404 and nothing is written", async () => {
    const dealer = await createDealer(gw);
    await putGrant(gw, dealer.id, "in_store_experience", { expiresAt: inFuture(HOUR) });
    gw.clock.advance(2 * HOUR);
    const before = await countWritable();
    await gw.http.delete(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(auth).expect(404);
    await gw.http.delete(`/v1/admin/dealers/${dealer.id}/grants/in_store_experience`).set(auth).expect(404);
    expect(await countWritable()).toEqual(before);
  });

  it("when the purpose is unknown, then 400 invalid_purpose", async () => {
    const dealer = await createDealer(gw);
    expect((await gw.http.delete(`/v1/admin/dealers/${dealer.id}/grants/nope`).set(auth).expect(400)).body.code).toBe("invalid_purpose");
  });
});

describe("listing grants", () => {
  it("when the query is invalid or the dealer unknown, then 400 or 404", async () => {
    const dealer = await createDealer(gw);
    await gw.http.get(`/v1/admin/dealers/${dealer.id}/grants`).query({ include: "everything" }).set(auth).expect(400);
    await gw.http.get(`/v1/admin/dealers/${randomUUID()}/grants`).set(auth).expect(404);
    await gw.http.get("/v1/admin/dealers/xyz/grants").set(auth).expect(400);
  });
});

describe("grants and the token scope", () => {
  it("when grants are put, revoked and expire, then the token's scope lists only the live ones", async () => {
    const dealer = await createDealer(gw);
    const credential = await createCredential(gw, dealer.id);
    await putGrant(gw, dealer.id, "service_delivery");
    await putGrant(gw, dealer.id, "record_accuracy");
    await putGrant(gw, dealer.id, "in_store_experience", { expiresAt: inFuture(HOUR) });
    expect((await tokenScope(credential).expect(200)).body.scope).toBe("purpose:in_store_experience purpose:record_accuracy purpose:service_delivery");

    await gw.http.delete(`/v1/admin/dealers/${dealer.id}/grants/record_accuracy`).set(auth).expect(204);
    gw.clock.advance(HOUR + 1000);
    expect((await tokenScope(credential).expect(200)).body.scope).toBe("purpose:service_delivery");

    for (const notHeld of ["purpose:record_accuracy", "purpose:in_store_experience", "purpose:service_delivery purpose:relationship_management"]) {
      const refused = await tokenScope(credential, notHeld).expect(400);
      expect(refused.body).toMatchObject({ error: "invalid_scope" });
    }
    expect((await tokenScope(credential, "purpose:service_delivery").expect(200)).body.scope).toBe("purpose:service_delivery");
  });

  it("when a dealer holds no grant, then its token has an empty scope", async () => {
    const dealer = await createDealer(gw);
    const credential = await createCredential(gw, dealer.id);
    expect((await tokenScope(credential).expect(200)).body.scope).toBe("");
  });
});
