import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuditLog } from "../src/audit/audit-log";
import { problems } from "../src/http/problem";
import { createCustomer, createDealer, customerRecord, recordConsent, type CustomerBody } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";

/** Audit writes for customer actions fail while `failing` is set, the way the real log fails: with a 503 problem. */
let failing = false;
const flakyAudit = (real: AuditLog): AuditLog => ({
  async record(input, manager) {
    if (failing && input.action.startsWith("customer.")) throw problems.unavailable("The audit log cannot be written, so the request was not carried out");
    return real.record(input, manager);
  },
});

let gw: TestGateway;
let auth: { Authorization: string };
let customer: CustomerBody;
beforeAll(async () => {
  gw = await startTestGateway({ audit: flakyAudit });
  auth = { Authorization: `Bearer ${await gw.adminToken()}` };
  customer = await createCustomer(gw);
  await recordConsent(gw, customer.id, { dealerId: (await createDealer(gw)).id, purposes: ["service_delivery"] });
});
afterAll(async () => {
  await gw?.stop();
});
beforeEach(() => {
  failing = false;
});

const count = async (sql: string, params: unknown[] = []): Promise<number> => {
  const rows: { n: number | string }[] = await gw.dataSource.query(sql, params);
  return Number(rows[0]!.n);
};

const expectUnavailableWithoutData = (response: { status: number; body: { code: string }; text: string }) => {
  expect(response.status).toBe(503);
  expect(response.body.code).toBe("unavailable");
  for (const personal of [customer.email!, customer.phone!, customer.externalRef, customer.name.family]) expect(response.text).not.toContain(personal);
};

describe("when the audit log cannot be written", () => {
  it("then reading a customer answers 503 without its data", async () => {
    failing = true;
    expectUnavailableWithoutData(await gw.http.get(`/v1/admin/customers/${customer.id}`).set(auth));
  });

  it("then searching answers 503 without data", async () => {
    failing = true;
    expectUnavailableWithoutData(await gw.http.get("/v1/admin/customers").query({ externalRef: customer.externalRef }).set(auth));
  });

  it("then a create is rolled back", async () => {
    const before = await count("SELECT COUNT(*) AS n FROM customers");
    failing = true;
    const response = await gw.http.post("/v1/admin/customers").set(auth).send(customerRecord());
    expect(response.status).toBe(503);
    expect(await count("SELECT COUNT(*) AS n FROM customers")).toBe(before);
  });

  it("then an import is rolled back whole", async () => {
    const before = await count("SELECT COUNT(*) AS n FROM customers");
    failing = true;
    const body = [customerRecord(), customerRecord({ externalRef: customer.externalRef })].map((record) => JSON.stringify(record)).join("\n");
    const response = await gw.http.post("/v1/admin/customers/import").set(auth).set("Content-Type", "application/x-ndjson").send(body);
    expect(response.status).toBe(503);
    expect(await count("SELECT COUNT(*) AS n FROM customers")).toBe(before);
    const rows: { profile: string }[] = await gw.dataSource.query("SELECT profile FROM customers WHERE id = ?", [customer.id]);
    expect(rows[0]!.profile).toContain(customer.name.family);
  });

  it("then an erasure is rolled back and no dealer is told", async () => {
    const feed = await count("SELECT COUNT(*) AS n FROM dealer_events WHERE customer_id = ?", [customer.id]);
    failing = true;
    const response = await gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(auth);
    expect(response.status).toBe(503);
    failing = false;
    const rows: { status: string }[] = await gw.dataSource.query("SELECT status FROM customers WHERE id = ?", [customer.id]);
    expect(rows[0]!.status).toBe("active");
    expect(await count("SELECT COUNT(*) AS n FROM dealer_events WHERE customer_id = ?", [customer.id])).toBe(feed);
  });
});
