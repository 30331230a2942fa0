import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { auditGet, auditor } from "./audit.support";

let gw: TestGateway;
let access: DealerWithAccess;
const changedPhone = "+33612349876";

beforeAll(async () => {
  gw = await startTestGateway({ env: { RATE_LIMIT_PER_MINUTE: "100000", LOGIN_RATE_LIMIT_PER_MINUTE: "100000" } });
  access = await dealerWithAccess(gw, "record_accuracy");
  const { customer, token } = access;
  const admin = await auditor(gw);
  const asDealer = (request: ReturnType<typeof gw.http.get>) => request.auth(token, { type: "bearer" });

  await asDealer(gw.http.get(`/v1/customers/${customer.id}?purpose=record_accuracy`)).expect(200);
  await asDealer(gw.http.post("/v1/customers/lookup?purpose=record_accuracy")).send({ email: customer.email!.toUpperCase() }).expect(200);
  await asDealer(gw.http.post("/v1/customers/lookup?purpose=record_accuracy")).send({ phone: customer.phone }).expect(200);
  await asDealer(gw.http.post("/v1/customers/lookup?purpose=record_accuracy")).send({ email: `nobody.${customer.email}` }).expect(200);
  await asDealer(gw.http.post("/v1/customers/lookup?purpose=record_accuracy")).send({ phone: `${customer.phone}x` });
  await asDealer(gw.http.post("/v1/customers/lookup?purpose=record_accuracy")).send({ email: customer.email, phone: customer.phone });
  await asDealer(gw.http.get("/v1/customers?purpose=record_accuracy")).expect(200);
  await gw.http.get(`/v1/admin/customers/${customer.id}`).set(admin).expect(200);
  await gw.http.get(`/v1/admin/customers?externalRef=${customer.externalRef}`).set(admin).expect(200);
  await gw.http.patch(`/v1/admin/customers/${customer.id}`).set(admin).send({ phone: changedPhone }).expect(200);
  await gw.http.post("/v1/admin/access-check").set(admin).send({ dealerId: access.dealer.id, customerId: customer.id, purpose: "record_accuracy" }).expect(200);
  await auditGet(gw, `/v1/audit/events?customerId=${customer.id}`);
  await auditGet(gw, `/v1/audit/customers/${customer.id}/report`);
  await auditGet(gw, `/v1/audit/events?customerId=${customer.id}`, 200, { Accept: "text/csv" });
  await gw.http.post(`/v1/admin/customers/${customer.id}/restrict`).set(admin).send({}).expect(200);
  await gw.http.post(`/v1/admin/customers/${customer.id}/unrestrict`).set(admin).send({}).expect(200);
  await gw.http.post(`/v1/admin/consents/${access.consent.id}/withdraw`).set(admin).send({}).expect(200);
  await gw.http.post(`/v1/admin/customers/${customer.id}/erase`).set(admin).send({}).expect(200);
}, 120_000);
afterAll(async () => {
  await gw?.stop();
});

/** Every column of every audit event as text, JSON columns re-serialised so escaping cannot hide a value. */
async function everyStoredAuditValue(): Promise<string> {
  const rows: Record<string, unknown>[] = await gw.dataSource.query("SELECT * FROM audit_events");
  return rows.map((row) => Object.values(row).map((value) => {
    if (typeof value !== "string") return String(value);
    try {
      return JSON.stringify(JSON.parse(value));
    } catch {
      return value;
    }
  }).join("\u0000")).join("\n").toLowerCase();
}

describe("no personal data in the audit log", () => {
  it("when a realistic flow has run, then no stored audit event holds the customer's email, phone, name, address or birth date", async () => {
    const { customer } = access;
    const stored = await everyStoredAuditValue();
    expect(stored).toContain(customer.id);
    const personal = [
      customer.email!, customer.email!.split("@")[0]!, customer.phone!, customer.phone!.slice(1), changedPhone,
      customer.name.given, customer.name.family, "12 rue de la paix", "1984-03-09",
    ];
    for (const value of personal) expect(stored, value).not.toContain(value.toLowerCase());
  });
});

describe("no raw input in the audit events of refusals", () => {
  it("when a bad token comes with personal data in the path, the query and the headers, then the refusal holds the route template and the reason only", async () => {
    const email = "jane.doe@example.com";
    const response = await gw.http.get(`/v1/customers/${email}?purpose=service_delivery&note=${encodeURIComponent("+33 6 12 34 56 78")}`)
      .set("Authorization", "Bearer garbage").set("X-Customer", "Jane Doe").expect(401);
    const rows: Record<string, unknown>[] = await gw.dataSource.query("SELECT * FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "auth.bearer", reason: "token_malformed", actor_id: "anonymous" });
    expect(JSON.parse(String(rows[0]!.detail))).toEqual({ route: "GET /v1/customers/:id" });
    const text = JSON.stringify(rows).toLowerCase();
    for (const value of ["jane", "example.com", "12 34 56", "garbage", "service_delivery"]) expect(text, value).not.toContain(value);
  });

  it("when a client id that names no credential is sent to the token endpoint, then the refusal does not hold it", async () => {
    const response = await gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: "jane.doe@example.com", client_secret: "x" }).expect(401);
    const rows: Record<string, unknown>[] = await gw.dataSource.query("SELECT * FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows).toLowerCase()).not.toContain("jane");
  });
});
