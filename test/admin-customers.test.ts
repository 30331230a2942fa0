import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, customerRecord } from "./support/fixtures";
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

const count = (table: string) => countRows(gw, table);

interface AuditRow { action: string; customer_id: string | null; decision: string; status: number; fields: string | null; detail: string | null }
const auditOf = (response: { headers: Record<string, string> }): Promise<AuditRow[]> =>
  gw.dataSource.query("SELECT action, customer_id, decision, status, fields, detail FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]]);

interface CustomerRow { external_ref: string | null; status: string; profile: string | null; email_normalized: string | null; phone: string | null; last_activity_at: string | null }
const rowOf = async (id: string): Promise<CustomerRow> => {
  const rows: CustomerRow[] = await gw.dataSource.query("SELECT * FROM customers WHERE id = ?", [id]);
  return rows[0]!;
};

describe("creating a customer", () => {
  it("when a crm_admin posts a full record, then 201 with Location, the flat record as stored, the row and an audit event without personal data", async () => {
    const record = customerRecord();
    const response = await gw.http.post("/v1/admin/customers").set(auth).send(record).expect(201);
    const id = response.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.location).toBe(`/v1/admin/customers/${id}`);
    expect(response.body).toEqual({
      id, status: "active", ...record, createdAt: "2026-06-01T10:00:00.000Z", updatedAt: "2026-06-01T10:00:00.000Z", restrictedAt: null, erasedAt: null,
    });
    const row = await rowOf(id);
    expect(row).toMatchObject({ external_ref: record.externalRef, status: "active", email_normalized: record.email, phone: record.phone });
    const { externalRef: _ref, ...data } = record;
    expect(JSON.parse(row.profile!)).toEqual(data);
    const events = await auditOf(response);
    expect(events).toMatchObject([{ action: "customer.create", customer_id: id, decision: "allow", status: 201 }]);
    const eventText = JSON.stringify(events);
    for (const personal of [record.email, record.phone, record.externalRef, "Amélie"] as string[]) expect(eventText).not.toContain(personal);
  });

  it("when optional fields are absent, then the representation omits them rather than showing null", async () => {
    const response = await gw.http.post("/v1/admin/customers").set(auth).send({ externalRef: "CRM-minimal-1", name: { given: "Jo", family: "Lee" } }).expect(201);
    expect(Object.keys(response.body).sort()).toEqual(["createdAt", "erasedAt", "externalRef", "id", "name", "restrictedAt", "status", "updatedAt"]);
    expect(response.body.name).toEqual({ given: "Jo", family: "Lee" });
    expect((await rowOf(response.body.id)).email_normalized).toBeNull();
  });

  it("when the phone is written with spaces and a 00 prefix and the email in mixed case, then the phone is stored in E.164 and the email as given", async () => {
    const created = await createCustomer(gw, { email: "Amelie.Mixed@Example.COM", phone: "0033 6 12 34 56 78" });
    expect(created.phone).toBe("+33612345678");
    expect(created.email).toBe("Amelie.Mixed@Example.COM");
    expect(await rowOf(created.id)).toMatchObject({ email_normalized: "amelie.mixed@example.com", phone: "+33612345678" });
  });

  it("when the externalRef is already taken, then 409 conflict and no second row", async () => {
    const first = await createCustomer(gw);
    const before = await count("customers");
    const response = await gw.http.post("/v1/admin/customers").set(auth).send(customerRecord({ externalRef: first.externalRef })).expect(409);
    expect(response.body.code).toBe("conflict");
    expect(await count("customers")).toBe(before);
  });

  it("when a name and an interest hold 4-byte characters, then they round-trip through the API and the database", async () => {
    const created = await createCustomer(gw, { name: { given: "Zoé 🦄", family: "Martin 𝄞" }, interests: ["🦄 unicorns", "⌚"] });
    const read = await gw.http.get(`/v1/admin/customers/${created.id}`).set(auth).expect(200);
    expect(read.body.name).toEqual({ given: "Zoé 🦄", family: "Martin 𝄞" });
    expect(read.body.interests).toEqual(["🦄 unicorns", "⌚"]);
    expect((await rowOf(created.id)).profile).toContain("🦄 unicorns");
  });
});

describe("last activity for retention", () => {
  it("when a customer is created, then its last activity is its creation time", async () => {
    const created = await createCustomer(gw);
    expect((await rowOf(created.id)).last_activity_at).toBe("2026-06-01T10:00:00.000Z");
  });

  it("when later purchases, warranties or service orders are recorded, then the latest past one counts and a future one does not", async () => {
    const created = await createCustomer(gw, { purchases: [], warranties: [], serviceOrders: [] });
    gw.clock.advance(400 * 24 * 3600 * 1000);
    await gw.http.patch(`/v1/admin/customers/${created.id}`).set(auth).send({
      purchases: [{ id: "P-1", date: "2026-09-01", productRef: "REF-1", soldBy: "Paris" }],
      serviceOrders: [{ id: "SO-1", productRef: "REF-1", status: "open", openedAt: "2027-02-01T10:00:00+02:00" }],
    }).expect(200);
    expect((await rowOf(created.id)).last_activity_at).toBe("2027-02-01T08:00:00.000Z");
    await gw.http.patch(`/v1/admin/customers/${created.id}`).set(auth).send({
      warranties: [{ serialNumber: "SN-1", productRef: "REF-1", startsOn: "2031-01-01", endsOn: "2036-01-01", extended: true }],
    }).expect(200);
    expect((await rowOf(created.id)).last_activity_at).toBe(gw.clock.read().toISOString());
  });
});

describe("reading customers", () => {
  it("when a crm_admin reads a customer, then 200 with the record and a customer.view audit event", async () => {
    const created = await createCustomer(gw);
    const response = await gw.http.get(`/v1/admin/customers/${created.id}`).set(auth).expect(200);
    expect(response.body).toMatchObject({ id: created.id, externalRef: created.externalRef, email: created.email });
    expect(await auditOf(response)).toMatchObject([{ action: "customer.view", customer_id: created.id, decision: "allow", status: 200 }]);
  });

  it("when the id is unknown, then 404; when it is not a UUID, then 400", async () => {
    expect((await gw.http.get("/v1/admin/customers/7c0e4b1e-5a0e-4f43-9d0a-1d7b0c0e0f00").set(auth).expect(404)).body.code).toBe("not_found");
    expect((await gw.http.get("/v1/admin/customers/not-a-uuid").set(auth).expect(400)).body.code).toBe("validation_failed");
  });

  it("when searching by externalRef, then exactly that customer, and the audit names the filter kind, not its value", async () => {
    const created = await createCustomer(gw);
    const response = await gw.http.get("/v1/admin/customers").query({ externalRef: created.externalRef }).set(auth).expect(200);
    expect(response.body.items.map((item: { id: string }) => item.id)).toEqual([created.id]);
    const events = await auditOf(response);
    expect(events).toMatchObject([{ action: "customer.search", customer_id: created.id }]);
    expect(JSON.parse(events[0]!.detail!)).toEqual({ filter: "externalRef", customerIds: [created.id] });
    expect(JSON.stringify(events)).not.toContain(created.externalRef);
  });

  it("when searching by email in another letter case, then the customer is found and the email is not audited", async () => {
    const created = await createCustomer(gw, { email: "Search.Me@Example.com" });
    const response = await gw.http.get("/v1/admin/customers").query({ email: "SEARCH.me@example.COM" }).set(auth).expect(200);
    expect(response.body.items.map((item: { id: string }) => item.id)).toEqual([created.id]);
    expect(response.body.items[0].email).toBe("Search.Me@Example.com");
    const events = await auditOf(response);
    expect(JSON.parse(events[0]!.detail!).filter).toBe("email");
    expect(JSON.stringify(events).toLowerCase()).not.toContain("search.me");
  });

  it("when nothing matches, then an empty list", async () => {
    const response = await gw.http.get("/v1/admin/customers").query({ externalRef: "CRM-nobody" }).set(auth).expect(200);
    expect(response.body).toEqual({ items: [] });
  });

  it.each([
    ["no filter", {}],
    ["both filters", { externalRef: "CRM-1", email: "a@example.com" }],
    ["an unknown parameter", { externalRef: "CRM-1", name: "Durand" }],
  ])("when the search has %s, then 400 and nothing is audited", async (_what, query) => {
    const before = await count("audit_events");
    const response = await gw.http.get("/v1/admin/customers").query(query).set(auth).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(await count("audit_events")).toBe(before);
  });
});

describe("updating a customer", () => {
  it("when nested objects and arrays are patched, then they are replaced whole, null removes a field, and the audit names the changed fields", async () => {
    const created = await createCustomer(gw);
    const response = await gw.http.patch(`/v1/admin/customers/${created.id}`).set(auth).send({
      name: { given: "Amélie", family: "Moreau" }, interests: ["pearls"], birthDate: null, phone: "+33 6 98 76 54 32",
      preferredLanguage: "fr-FR",
    }).expect(200);
    expect(response.body.name).toEqual({ given: "Amélie", family: "Moreau" });
    expect(response.body.interests).toEqual(["pearls"]);
    expect(response.body.phone).toBe("+33698765432");
    expect(response.body).not.toHaveProperty("birthDate");
    expect(response.body.email).toBe(created.email);
    expect(response.body.updatedAt).toBe(gw.clock.read().toISOString());
    const row = await rowOf(created.id);
    expect(row.phone).toBe("+33698765432");
    expect(JSON.parse(row.profile!)).not.toHaveProperty("birthDate");
    const events = await auditOf(response);
    expect(events).toMatchObject([{ action: "customer.update", customer_id: created.id, decision: "allow" }]);
    expect(JSON.parse(events[0]!.fields!).sort()).toEqual(["birthDate", "interests", "name", "phone"]);
  });

  it("when the email and externalRef change, then lookups follow the new values", async () => {
    const created = await createCustomer(gw);
    await gw.http.patch(`/v1/admin/customers/${created.id}`).set(auth).send({ email: "New.Address@Example.com", externalRef: "CRM-renamed-1" }).expect(200);
    const byEmail = await gw.http.get("/v1/admin/customers").query({ email: "new.address@example.com" }).set(auth).expect(200);
    expect(byEmail.body.items.map((item: { id: string }) => item.id)).toEqual([created.id]);
    const byRef = await gw.http.get("/v1/admin/customers").query({ externalRef: "CRM-renamed-1" }).set(auth).expect(200);
    expect(byRef.body.items[0].externalRef).toBe("CRM-renamed-1");
  });

  it("when the externalRef would collide with another customer's, then 409 and nothing changes", async () => {
    const first = await createCustomer(gw);
    const second = await createCustomer(gw);
    const response = await gw.http.patch(`/v1/admin/customers/${second.id}`).set(auth).send({ externalRef: first.externalRef, interests: [] }).expect(409);
    expect(response.body.code).toBe("conflict");
    expect(await rowOf(second.id)).toMatchObject({ external_ref: second.externalRef });
    expect(await auditOf(response)).toEqual([]);
  });

  it.each([
    ["an empty patch", {}],
    ["null for the required name", { name: null }],
    ["null for the externalRef", { externalRef: null }],
    ["an unknown field", { nickname: "Mimi" }],
    ["a bad phone", { phone: "12" }],
  ])("when the patch has %s, then 400 and nothing is written", async (_what, patch) => {
    const created = await createCustomer(gw);
    const before = { row: await rowOf(created.id), events: await count("audit_events") };
    const response = await gw.http.patch(`/v1/admin/customers/${created.id}`).set(auth).send(patch).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(await rowOf(created.id)).toEqual(before.row);
    expect(await count("audit_events")).toBe(before.events);
  });

  it("when the customer does not exist, then 404", async () => {
    await gw.http.patch("/v1/admin/customers/7c0e4b1e-5a0e-4f43-9d0a-1d7b0c0e0f00").set(auth).send({ interests: [] }).expect(404);
  });
});

describe("validation on create", () => {
  const interests = Array.from({ length: 1000 }, (_, i) => `interest ${i}`);
  it.each([
    ["an unknown top-level field", { loyaltyTier: "gold" }, "loyaltyTier"],
    ["an unknown nested field", { name: { given: "A", family: "B", middle: "C" } }, "name"],
    ["an unknown field in a purchase", { purchases: [{ id: "P", date: "2025-01-01", productRef: "R", soldBy: "S", discount: 5 }] }, "purchases.0"],
    ["a wrong type", { interests: "watches" }, "interests"],
    ["a wrong nested type", { marketingPreferences: { email: "yes", phone: false, post: false, sms: false } }, "marketingPreferences.email"],
    ["a bad email", { email: "not-an-email" }, "email"],
    ["a bad phone", { phone: "06 12" }, "phone"],
    ["an impossible birth date", { birthDate: "2024-02-30" }, "birthDate"],
    ["a huge array", { interests }, "interests"],
    ["a missing name", { name: undefined }, "name"],
    ["a missing externalRef", { externalRef: undefined }, "externalRef"],
    ["a too long externalRef", { externalRef: "X".repeat(129) }, "externalRef"],
    ["a control character in the externalRef", { externalRef: "CRM-\u0007" }, "externalRef"],
  ])("when the body has %s, then 400 names the field and nothing is written", async (_what, overrides, path) => {
    const before = { customers: await count("customers"), events: await count("audit_events") };
    const response = await gw.http.post("/v1/admin/customers").set(auth).send(customerRecord(overrides)).expect(400);
    expect(response.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(response.body.code).toBe("validation_failed");
    const named = (error: { path: string; message: string }) => error.path === path || (error.path === "(root)" && error.message.includes(path));
    expect(response.body.errors.some(named)).toBe(true);
    expect(await count("customers")).toBe(before.customers);
    expect(await count("audit_events")).toBe(before.events);
  });

  it("when the body is not an object, then 400", async () => {
    await gw.http.post("/v1/admin/customers").set(auth).send([customerRecord()]).expect(400);
  });
});

describe("who may manage customers", () => {
  let auditorAuth: { Authorization: string };
  beforeAll(async () => {
    await gw.http.post("/v1/admin/users").set(auth).send({ username: "auditor.only", password: "a-long-auditor-password", roles: ["compliance_auditor"] }).expect(201);
    const login = await gw.http.post("/v1/auth/login").send({ username: "auditor.only", password: "a-long-auditor-password" }).expect(200);
    auditorAuth = { Authorization: `Bearer ${login.body.access_token}` };
  });

  it("when a compliance_auditor-only user calls any customer route, then 403 and nothing is read or written", async () => {
    const customer = await createCustomer(gw);
    const before = await rowOf(customer.id);
    const calls = [
      gw.http.post("/v1/admin/customers").set(auditorAuth).send(customerRecord()),
      gw.http.get(`/v1/admin/customers/${customer.id}`).set(auditorAuth),
      gw.http.get("/v1/admin/customers").query({ externalRef: customer.externalRef }).set(auditorAuth),
      gw.http.patch(`/v1/admin/customers/${customer.id}`).set(auditorAuth).send({ interests: [] }),
      gw.http.post("/v1/admin/customers/import").set(auditorAuth).set("Content-Type", "application/x-ndjson").send(JSON.stringify(customerRecord())),
      gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(auditorAuth),
      gw.http.post(`/v1/admin/customers/${customer.id}/unrestrict`).set(auditorAuth),
      gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(auditorAuth),
    ];
    for (const call of calls) {
      const response = await call;
      expect(response.status).toBe(403);
      expect(response.body.code).toBe("forbidden");
      expect(response.text).not.toContain(customer.externalRef);
    }
    expect(await rowOf(customer.id)).toEqual(before);
  });

  it("when no token is given, then 401", async () => {
    await gw.http.get("/v1/admin/customers").query({ externalRef: "CRM-1" }).expect(401);
  });
});
