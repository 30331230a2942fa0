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

const importNdjson = (body: string) => gw.http.post("/v1/admin/customers/import").set(auth).set("Content-Type", "application/x-ndjson").send(body);
const ndjson = (records: unknown[]) => records.map((record) => JSON.stringify(record)).join("\n");

interface ProfileRow { id: string; status: string; profile: string }
const customerByRef = async (externalRef: string): Promise<ProfileRow | undefined> => {
  const rows: ProfileRow[] = await gw.dataSource.query("SELECT id, status, profile FROM customers WHERE external_ref = ?", [externalRef]);
  return rows[0];
};

describe("importing customers as NDJSON", () => {
  it("when good and bad lines are mixed, then the valid lines are upserted and each bad line is reported with its line number", async () => {
    const existing = await createCustomer(gw);
    const a = customerRecord();
    const b = customerRecord();
    const replacement = { externalRef: existing.externalRef, name: { given: "Renée", family: "Lefebvre" }, email: "renee@example.com" };
    const lines = [
      JSON.stringify(a),
      "",
      '{"externalRef": "CRM-broken", "name": ',
      JSON.stringify(customerRecord({ email: "no-at-sign" })),
      JSON.stringify(b),
      JSON.stringify(customerRecord({ externalRef: a.externalRef })),
      JSON.stringify(customerRecord({ vip: true })),
      JSON.stringify(replacement),
      "   ",
    ];
    const response = await importNdjson(lines.join("\n")).expect(200);
    expect(response.body).toMatchObject({ created: 2, updated: 1, total: 7 });
    expect(response.body.rejected.map((rejection: { line: number }) => rejection.line)).toEqual([3, 4, 6, 7]);
    const reasons = Object.fromEntries(response.body.rejected.map((r: { line: number; reason: string }) => [r.line, r.reason]));
    expect(reasons[3]).toBe("invalid JSON");
    expect(reasons[4]).toContain("email");
    expect(reasons[6]).toBe("duplicate externalRef within the file (first on line 1)");
    expect(reasons[7]).toContain("vip");

    expect(await customerByRef(a.externalRef as string)).toMatchObject({ status: "active" });
    expect(await customerByRef(b.externalRef as string)).toBeDefined();
    const { externalRef: _ref, ...replacedData } = replacement;
    const updated = await customerByRef(existing.externalRef);
    expect(updated!.id).toBe(existing.id);
    expect(JSON.parse(updated!.profile)).toEqual(replacedData);

    const events: { action: string; detail: string }[] = await gw.dataSource.query(
      "SELECT action, detail FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]],
    );
    expect(events.map((event) => event.action)).toEqual(["customer.import"]);
    const detail = JSON.parse(events[0]!.detail);
    expect(detail).toMatchObject({ created: 2, updated: 1, rejected: 4, total: 7, updatedIds: [existing.id] });
    expect(detail.createdIds).toHaveLength(2);
    expect(events[0]!.detail).not.toContain(a.externalRef);
    expect(events[0]!.detail).not.toContain("renee");
  });

  it("when lines end with CRLF and the file starts with a byte-order mark, then line numbers still count from 1", async () => {
    const body = `\uFEFF${JSON.stringify(customerRecord())}\r\nnot json\r\n${JSON.stringify(customerRecord())}\r\n`;
    const response = await gw.http.post("/v1/admin/customers/import").set(auth).set("Content-Type", "application/x-ndjson; charset=utf-8").send(body).expect(200);
    expect(response.body).toEqual({ created: 2, updated: 0, rejected: [{ line: 2, reason: "invalid JSON" }], total: 3 });
  });

  it("when an externalRef differs from a stored one only in letter case, then it is a distinct customer on both databases", async () => {
    const existing = await createCustomer(gw, { externalRef: `CASE-${Date.now()}` });
    const other = customerRecord();
    const response = await importNdjson(ndjson([customerRecord({ externalRef: existing.externalRef.toLowerCase() }), other])).expect(200);
    expect(await customerByRef(other.externalRef as string)).toBeDefined();
    expect(response.body).toEqual({ created: 2, updated: 0, rejected: [], total: 2 });
  });

  it("when a restricted customer is imported again, then its record is replaced and it stays restricted", async () => {
    const customer = await createCustomer(gw);
    await gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(auth).expect(200);
    const response = await importNdjson(JSON.stringify(customerRecord({ externalRef: customer.externalRef, interests: ["clocks"] }))).expect(200);
    expect(response.body).toMatchObject({ created: 0, updated: 1 });
    const row = await customerByRef(customer.externalRef);
    expect(row!.status).toBe("restricted");
    expect(JSON.parse(row!.profile).interests).toEqual(["clocks"]);
  });

  it("when an erased customer's former externalRef is imported, then the tombstone stays as it is: erasure kept nothing to match the line with", async () => {
    const customer = await createCustomer(gw);
    await gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(auth).expect(200);
    const response = await importNdjson(JSON.stringify(customerRecord({ externalRef: customer.externalRef }))).expect(200);
    expect(response.body).toMatchObject({ created: 1, updated: 0 });
    const tombstone: { status: string; profile: string | null; external_ref: string | null }[] =
      await gw.dataSource.query("SELECT status, profile, external_ref FROM customers WHERE id = ?", [customer.id]);
    expect(tombstone).toEqual([{ status: "erased", profile: null, external_ref: null }]);
    expect((await customerByRef(customer.externalRef))!.id).not.toBe(customer.id);
  });

  it.each([
    ["application/json", JSON.stringify(customerRecord())],
    ["text/plain", JSON.stringify(customerRecord())],
  ])("when the content type is %s, then 415 and nothing is written", async (type, body) => {
    const before = { customers: await count("customers"), events: await count("audit_events") };
    const response = await gw.http.post("/v1/admin/customers/import").set(auth).set("Content-Type", type).send(body).expect(415);
    expect(response.body.code).toBe("unsupported_media_type");
    expect(await count("customers")).toBe(before.customers);
    expect(await count("audit_events")).toBe(before.events);
  });

  it.each([
    ["empty", ""],
    ["only blank lines", "\n  \n\r\n"],
  ])("when the body is %s, then 400 and nothing is written", async (_what, body) => {
    const before = await count("audit_events");
    const response = await importNdjson(body).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(await count("audit_events")).toBe(before);
  });

  it("when 10,000 customers are imported and then imported again with changes, then all are created, then all updated", async () => {
    const records = Array.from({ length: 10_000 }, (_, i) => customerRecord({ externalRef: `BULK-${i}` }));
    const createdAt = Date.now();
    const first = await importNdjson(ndjson(records)).expect(200);
    console.log(`import of 10,000 new customers took ${Date.now() - createdAt} ms`);
    expect(first.body).toEqual({ created: 10_000, updated: 0, rejected: [], total: 10_000 });

    const changed = records.map((record) => ({ ...record, interests: ["updated"] }));
    const updatedAt = Date.now();
    const second = await importNdjson(ndjson(changed)).expect(200);
    console.log(`import of 10,000 changed customers took ${Date.now() - updatedAt} ms`);
    expect(second.body).toEqual({ created: 0, updated: 10_000, rejected: [], total: 10_000 });

    const rows: { n: number | string }[] = await gw.dataSource.query("SELECT COUNT(*) AS n FROM customers WHERE external_ref LIKE 'BULK-%'");
    expect(Number(rows[0]!.n)).toBe(10_000);
    expect(JSON.parse((await customerByRef("BULK-9999"))!.profile).interests).toEqual(["updated"]);
    const events: { detail: string }[] = await gw.dataSource.query("SELECT detail FROM audit_events WHERE request_id = ?", [second.headers["x-request-id"]]);
    expect(JSON.parse(events[0]!.detail)).toEqual({ created: 0, updated: 10_000, rejected: 0, total: 10_000 });
  }, 120_000);
});
