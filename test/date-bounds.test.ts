import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, createDealer, customerRecord, recordConsent } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";

/**
 * Every date the API accepts is bounded: instants the gateway keeps (expiries, audit ranges) to the
 * years 2000-2999, dates in a customer's record to 1900-2999. Out of range is a 400 naming the field,
 * never a 500 (MySQL: the value overflows its column) nor a stored `+010000-…` year (SQLite), and
 * nothing is written.
 */
let gw: TestGateway;
let auth: { Authorization: string };
beforeAll(async () => {
  gw = await startTestGateway();
  auth = { Authorization: `Bearer ${await gw.adminToken()}` };
});
afterAll(async () => {
  await gw?.stop();
});

const count = async (table: string) => Number(((await gw.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`)) as { n: number | string }[])[0]!.n);

function expectOutOfRange(response: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, path: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(response.body.code).toBe("validation_failed");
  expect(response.body.errors).toEqual([{ path, message: expect.stringMatching(/^must lie between /) }]);
}

/** Beyond 2999 in UTC, or before 2000: each given with an offset, as the finding was. */
const TOO_LATE = ["9999-12-31T23:59:59-14:00", "3000-01-01T00:00:00Z", "2999-12-31T23:59:59-00:01"];
const TOO_EARLY = ["1999-12-31T23:59:59Z", "1970-01-01T00:00:00+00:00", "2000-01-01T00:30:00+01:00"];

describe("consent expiresAt", () => {
  let customerId: string;
  let dealerId: string;
  beforeAll(async () => {
    customerId = (await createCustomer(gw)).id;
    dealerId = (await createDealer(gw)).id;
  });
  const record = (expiresAt: string) => gw.http.post(`/v1/admin/customers/${customerId}/consents`).set(auth)
    .send({ dealerId, purposes: ["service_delivery"], channel: "boutique", evidenceRef: "EV-1", policyVersion: "2021-04", expiresAt });

  it.each([...TOO_LATE, ...TOO_EARLY])("when expiresAt is %s, then 400 naming expiresAt, and no consent", async (expiresAt) => {
    const before = [await count("consents"), await count("audit_events")];
    expectOutOfRange(await record(expiresAt), "expiresAt");
    expect([await count("consents"), await count("audit_events")]).toEqual(before);
  });

  it("when expiresAt is the last moment of 2999, then 201, stored in UTC", async () => {
    const consent = await recordConsent(gw, customerId, { dealerId, purposes: ["service_delivery"], expiresAt: "3000-01-01T00:59:59.999+01:00" });
    expect(consent).toMatchObject({ status: "active", expiresAt: "2999-12-31T23:59:59.999Z" });
  });
});

describe("grant expiresAt", () => {
  it.each(TOO_LATE)("when expiresAt is %s, then 400 naming expiresAt, and no grant", async (expiresAt) => {
    const dealer = await createDealer(gw);
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(auth).send({ expiresAt });
    expectOutOfRange(response, "expiresAt");
    expect(await gw.dataSource.query("SELECT id FROM dealer_grants WHERE dealer_id = ?", [dealer.id])).toEqual([]);
  });

  it("when expiresAt is before 2000, then 400 for the range, before the check that it lies ahead", async () => {
    const dealer = await createDealer(gw);
    expectOutOfRange(await gw.http.put(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(auth).send({ expiresAt: "1999-06-01T00:00:00Z" }), "expiresAt");
  });
});

describe("audit query from and to", () => {
  it.each([
    ...TOO_EARLY.map((value) => ["from", value]),
    ...TOO_LATE.map((value) => ["to", value]),
  ])("when %s is %s, then 400 naming it, for a page and for an export", async (name, value) => {
    const query = `${name}=${encodeURIComponent(value)}`;
    expectOutOfRange(await gw.http.get(`/v1/audit/events?${query}`).set(auth), name);
    expectOutOfRange(await gw.http.get(`/v1/audit/events?${query}`).set({ ...auth, Accept: "text/csv" }), name);
  });

  it("when from and to span the whole range, then 200", async () => {
    await gw.http.get("/v1/audit/events?from=2000-01-01T00:00:00Z&to=2999-12-31T23:59:59Z").set(auth).expect(200);
  });
});

describe("dates in a customer's record", () => {
  const RECORD_CASES: [string, Record<string, unknown>, string][] = [
    ["a birth date before 1900", { birthDate: "1899-12-31" }, "birthDate"],
    ["a birth date in the year 9999", { birthDate: "9999-12-31" }, "birthDate"],
    ["a purchase dated 3000", { purchases: [{ id: "P-1", date: "3000-01-01", productRef: "REF-1", soldBy: "Paris" }] }, "purchases.0.date"],
    ["a warranty ending in 9999", { warranties: [{ serialNumber: "SN-1", productRef: "REF-1", startsOn: "2025-01-01", endsOn: "9999-12-31", extended: false }] }, "warranties.0.endsOn"],
    ["a service order opened at the end of 9999, west of UTC", { serviceOrders: [{ id: "SO-1", productRef: "REF-1", status: "open", openedAt: "9999-12-31T23:59:59-14:00" }] }, "serviceOrders.0.openedAt"],
  ];

  it.each(RECORD_CASES)("when a new customer has %s, then 400 naming the field, and no customer", async (_name, fields, path) => {
    const before = await count("customers");
    expectOutOfRange(await gw.http.post("/v1/admin/customers").set(auth).send(customerRecord(fields)), path);
    expect(await count("customers")).toBe(before);
  });

  it.each(RECORD_CASES)("when a customer is changed to %s, then 400 naming the field, and the record is unchanged", async (_name, fields, path) => {
    const customer = await createCustomer(gw);
    const before = await gw.dataSource.query("SELECT profile FROM customers WHERE id = ?", [customer.id]);
    expectOutOfRange(await gw.http.patch(`/v1/admin/customers/${customer.id}`).set(auth).send(fields), path);
    expect(await gw.dataSource.query("SELECT profile FROM customers WHERE id = ?", [customer.id])).toEqual(before);
  });

  it("when an import has a line with a date out of range, then that line is rejected saying why, and the others are imported", async () => {
    const good = customerRecord();
    const bad = customerRecord({ birthDate: "1066-10-14" });
    const response = await gw.http.post("/v1/admin/customers/import").set(auth).set("Content-Type", "application/x-ndjson")
      .send(`${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`).expect(200);
    expect(response.body).toMatchObject({ created: 1, rejected: [{ line: 2, reason: expect.stringContaining("birthDate: must lie between 1900-01-01 and 2999-12-31") }] });
  });

  it("when a record's dates lie at the bounds, then it is stored as written", async () => {
    const customer = await createCustomer(gw, {
      birthDate: "1900-01-01",
      serviceOrders: [{ id: "SO-9", productRef: "REF-9", status: "open", openedAt: "2999-12-31T23:59:59+00:00" }],
    });
    const read = await gw.http.get(`/v1/admin/customers/${customer.id}`).set(auth).expect(200);
    expect(read.body).toMatchObject({ birthDate: "1900-01-01", serviceOrders: [{ openedAt: "2999-12-31T23:59:59+00:00" }] });
  });
});
