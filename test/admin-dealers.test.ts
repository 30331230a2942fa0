import { randomUUID } from "node:crypto";
import type { Response } from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCredential, createDealer, putGrant } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { rowCounts } from "./support/db-state";

let gw: TestGateway;
let auth: { Authorization: string };
beforeAll(async () => {
  gw = await startTestGateway();
  auth = { Authorization: `Bearer ${await gw.adminToken()}` };
});
afterAll(async () => {
  await gw?.stop();
});

const WRITTEN_TABLES = ["dealers", "dealer_credentials", "dealer_grants", "audit_events"];

const counts = () => rowCounts(gw, WRITTEN_TABLES);

interface AuditRow { action: string; decision: string; status: number; dealer_id: string | null; detail: string | null }

async function auditEventsOf(response: { headers: Record<string, string> }): Promise<AuditRow[]> {
  return gw.dataSource.query("SELECT action, decision, status, dealer_id, detail FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]]);
}

/** Follows nextCursor to the end; returns the ids on each page. */
async function pagesOf(query: Record<string, string | number>): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const response: Response = await gw.http.get("/v1/admin/dealers").set(auth).query({ ...query, ...(cursor ? { cursor } : {}) }).expect(200);
    pages.push(response.body.items.map((d: { id: string }) => d.id));
    cursor = response.body.nextCursor;
  } while (cursor);
  return pages;
}

describe("creating a dealer", () => {
  it("when a crm_admin creates a dealer, then 201 with Location, the row is stored and one dealer.create event is written", async () => {
    const response = await gw.http.post("/v1/admin/dealers").set(auth).send({ name: "Maison Horlogère Genève", country: "CH" }).expect(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: "Maison Horlogère Genève", country: "CH", transferSafeguard: null, status: "active",
      createdAt: gw.clock.now.toISOString(), updatedAt: gw.clock.now.toISOString(),
    });
    expect(response.headers.location).toBe(`/v1/admin/dealers/${response.body.id}`);
    const rows = await gw.dataSource.query("SELECT name, country, transfer_safeguard, status FROM dealers WHERE id = ?", [response.body.id]);
    expect(rows).toEqual([{ name: "Maison Horlogère Genève", country: "CH", transfer_safeguard: null, status: "active" }]);
    const events = await auditEventsOf(response);
    expect(events).toEqual([expect.objectContaining({ action: "dealer.create", decision: "allow", status: 201, dealer_id: response.body.id })]);
    expect(events[0]!.detail).not.toContain("Genève");
  });

  it("when a dealer outside the EEA is created with a safeguard, then the safeguard is stored", async () => {
    const dealer = await createDealer(gw, { country: "JP", transferSafeguard: "scc" });
    expect(dealer).toMatchObject({ country: "JP", transferSafeguard: "scc", status: "active" });
  });

  it.each([
    ["an unassigned country", { name: "Dealer", country: "XX" }, "country"],
    ["a lowercase country", { name: "Dealer", country: "fr" }, "country"],
    ["a three-letter country", { name: "Dealer", country: "FRA" }, "country"],
    ["an unknown safeguard", { name: "Dealer", country: "US", transferSafeguard: "bcr" }, "transferSafeguard"],
    ["an unknown field", { name: "Dealer", country: "FR", status: "suspended" }, "status"],
    ["a number as name", { name: 42, country: "FR" }, "name"],
    ["a blank name", { name: "   ", country: "FR" }, "name"],
    ["a missing country", { name: "Dealer" }, "country"],
  ])("when the body has %s, then 400 names the field and nothing is written", async (_case, body, field) => {
    const before = await counts();
    const response = await gw.http.post("/v1/admin/dealers").set(auth).send(body).expect(400);
    expect(response.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(response.body.code).toBe("validation_failed");
    expect(JSON.stringify(response.body.errors)).toContain(field);
    expect(await counts()).toEqual(before);
  });
});

describe("reading and listing dealers", () => {
  it("when a dealer is fetched by id, then its representation comes back", async () => {
    const dealer = await createDealer(gw, { country: "BE" });
    const response = await gw.http.get(`/v1/admin/dealers/${dealer.id}`).set(auth).expect(200);
    expect(response.body).toMatchObject({ id: dealer.id, name: dealer.name, country: "BE", status: "active", transferSafeguard: null });
  });

  it("when the id is unknown, then 404 not_found; when it is not a UUID, then 400", async () => {
    expect((await gw.http.get(`/v1/admin/dealers/${randomUUID()}`).set(auth).expect(404)).body.code).toBe("not_found");
    expect((await gw.http.get("/v1/admin/dealers/not-a-uuid").set(auth).expect(400)).body.code).toBe("validation_failed");
  });

  it("when dealers are listed page by page, then every dealer appears once in creation order", async () => {
    const country = "LU";
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(await createDealer(gw, { country }));
      gw.clock.advance(1000);
    }
    const pages = await pagesOf({ country, limit: 2 });
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    const seen = pages.flat();
    expect(seen).toEqual(created.map((d) => d.id));
  });

  it("when dealers created at the same instant are paged, then none is lost or repeated", async () => {
    const country = "LT";
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await createDealer(gw, { country })).id);
    const seen = (await pagesOf({ country, limit: 2 })).flat();
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual([...created].sort());
  });

  it("when dealers are filtered by status, then only that status is listed", async () => {
    const dealer = await createDealer(gw, { country: "MT" });
    await gw.http.post(`/v1/admin/dealers/${dealer.id}/suspend`).set(auth).expect(200);
    const suspended = await gw.http.get("/v1/admin/dealers").set(auth).query({ status: "suspended", limit: 200 }).expect(200);
    expect(suspended.body.items.map((d: { id: string }) => d.id)).toContain(dealer.id);
    expect(suspended.body.items.every((d: { status: string }) => d.status === "suspended")).toBe(true);
    const active = await gw.http.get("/v1/admin/dealers").set(auth).query({ status: "active", country: "MT" }).expect(200);
    expect(active.body).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ["a bad cursor", { cursor: "not-a-cursor" }],
    ["a forged cursor", { cursor: Buffer.from(JSON.stringify(["yesterday", "x"])).toString("base64url") }],
    ["a limit above 200", { limit: "201" }],
    ["a limit of zero", { limit: "0" }],
    ["a non-numeric limit", { limit: "ten" }],
    ["an unknown status", { status: "deleted" }],
    ["a lowercase country", { country: "fr" }],
    ["an unknown parameter", { sort: "name" }],
  ])("when the list is asked with %s, then 400 validation_failed", async (_case, query) => {
    const response = await gw.http.get("/v1/admin/dealers").set(auth).query(query).expect(400);
    expect(response.body.code).toBe("validation_failed");
  });
});

describe("updating a dealer", () => {
  it("when name, country and safeguard are patched, then they change and one dealer.update event names the fields", async () => {
    const dealer = await createDealer(gw, { country: "FR" });
    gw.clock.advance(60_000);
    const response = await gw.http.patch(`/v1/admin/dealers/${dealer.id}`).set(auth).send({ name: "Renamed", country: "US", transferSafeguard: "adequacy" }).expect(200);
    expect(response.body).toMatchObject({ id: dealer.id, name: "Renamed", country: "US", transferSafeguard: "adequacy", status: "active", updatedAt: gw.clock.now.toISOString() });
    expect(response.body.createdAt).not.toBe(response.body.updatedAt);
    const events = await auditEventsOf(response);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "dealer.update", dealer_id: dealer.id });
    expect(JSON.parse(events[0]!.detail!).changed).toEqual(["name", "country", "transferSafeguard"]);
    expect(events[0]!.detail).not.toContain("Renamed");
  });

  it("when transferSafeguard is patched to null, then the safeguard is removed", async () => {
    const dealer = await createDealer(gw, { country: "SG", transferSafeguard: "scc" });
    const response = await gw.http.patch(`/v1/admin/dealers/${dealer.id}`).set(auth).send({ transferSafeguard: null }).expect(200);
    expect(response.body.transferSafeguard).toBeNull();
    const rows = await gw.dataSource.query("SELECT transfer_safeguard FROM dealers WHERE id = ?", [dealer.id]);
    expect(rows).toEqual([{ transfer_safeguard: null }]);
  });

  it.each([
    ["status", { status: "suspended" }],
    ["an empty body", {}],
    ["a bad country", { country: "XX" }],
    ["a wrong type", { name: ["a"] }],
  ])("when the patch carries %s, then 400 and the dealer is unchanged", async (_case, body) => {
    const dealer = await createDealer(gw);
    const before = await counts();
    const response = await gw.http.patch(`/v1/admin/dealers/${dealer.id}`).set(auth).send(body).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(await counts()).toEqual(before);
    expect((await gw.http.get(`/v1/admin/dealers/${dealer.id}`).set(auth)).body).toMatchObject({ name: dealer.name, country: dealer.country, status: "active" });
  });

  it("when an unknown dealer is patched, then 404 and nothing is written", async () => {
    const before = await counts();
    await gw.http.patch(`/v1/admin/dealers/${randomUUID()}`).set(auth).send({ name: "Nobody" }).expect(404);
    expect(await counts()).toEqual(before);
  });
});

describe("suspending and reinstating", () => {
  it("when a dealer is suspended then reinstated, then each step is one audited change", async () => {
    const dealer = await createDealer(gw);
    const suspended = await gw.http.post(`/v1/admin/dealers/${dealer.id}/suspend`).set(auth).expect(200);
    expect(suspended.body).toMatchObject({ id: dealer.id, status: "suspended" });
    expect(await auditEventsOf(suspended)).toEqual([expect.objectContaining({ action: "dealer.suspend", dealer_id: dealer.id, status: 200 })]);
    const reinstated = await gw.http.post(`/v1/admin/dealers/${dealer.id}/reinstate`).set(auth).expect(200);
    expect(reinstated.body.status).toBe("active");
    expect(await auditEventsOf(reinstated)).toEqual([expect.objectContaining({ action: "dealer.reinstate", dealer_id: dealer.id })]);
  });

  it("when a dealer is already in the asked state, then 409 conflict and nothing is written", async () => {
    const dealer = await createDealer(gw);
    const before = await counts();
    expect((await gw.http.post(`/v1/admin/dealers/${dealer.id}/reinstate`).set(auth).expect(409)).body.code).toBe("conflict");
    await gw.http.post(`/v1/admin/dealers/${dealer.id}/suspend`).set(auth).expect(200);
    const afterSuspend = await counts();
    await gw.http.post(`/v1/admin/dealers/${dealer.id}/suspend`).set(auth).expect(409);
    expect(afterSuspend.audit_events).toBe(before.audit_events! + 1);
    expect(await counts()).toEqual(afterSuspend);
  });

  it("when a dealer is suspended twice at once, then one call wins and the other gets 409", async () => {
    const dealer = await createDealer(gw);
    const responses = await Promise.all([1, 2].map(() => gw.http.post(`/v1/admin/dealers/${dealer.id}/suspend`).set(auth)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const events = await gw.dataSource.query("SELECT id FROM audit_events WHERE action = 'dealer.suspend' AND dealer_id = ?", [dealer.id]);
    expect(events).toHaveLength(1);
  });

  it("when an unknown dealer is suspended, then 404", async () => {
    await gw.http.post(`/v1/admin/dealers/${randomUUID()}/suspend`).set(auth).expect(404);
  });
});

describe("roles", () => {
  it("when a compliance_auditor calls any dealer write, then 403 and nothing is written", async () => {
    const password = "auditor-password-long";
    const username = `auditor.${randomUUID().slice(0, 8)}`;
    await gw.http.post("/v1/admin/users").set(auth).send({ username, password, roles: ["compliance_auditor"] }).expect(201);
    const login = await gw.http.post("/v1/auth/login").send({ username, password }).expect(200);
    const auditor = { Authorization: `Bearer ${login.body.access_token}` };
    const dealer = await createDealer(gw);
    const credential = await createCredential(gw, dealer.id);
    await putGrant(gw, dealer.id, "service_delivery");
    const base = `/v1/admin/dealers/${dealer.id}`;
    const writes = [
      gw.http.post("/v1/admin/dealers").send({ name: "Sneaky", country: "FR" }),
      gw.http.patch(base).send({ name: "Sneaky" }),
      gw.http.post(`${base}/suspend`),
      gw.http.post(`${base}/reinstate`),
      gw.http.post(`${base}/credentials`).send({}),
      gw.http.delete(`${base}/credentials/${credential.clientId}`),
      gw.http.put(`${base}/grants/record_accuracy`).send({}),
      gw.http.delete(`${base}/grants/service_delivery`),
    ];
    const before = await counts();
    for (const write of writes) {
      const response = await write.set(auditor);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe("forbidden");
    }
    for (const read of [gw.http.get("/v1/admin/dealers"), gw.http.get(base), gw.http.get(`${base}/credentials`), gw.http.get(`${base}/grants`)]) {
      expect((await read.set(auditor)).status).toBe(403);
    }
    expect(await counts()).toEqual(before);
  });

  it("when no token is given, then 401", async () => {
    await gw.http.post("/v1/admin/dealers").send({ name: "Anon", country: "FR" }).expect(401);
  });
});
