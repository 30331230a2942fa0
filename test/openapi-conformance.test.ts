import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../src/openapi/openapi-document";
import { customerRecord } from "./support/fixtures";
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestGateway, type TestGateway } from "./support/gateway";
import { ConformanceChecker } from "./openapi.support";
import { integrate, integratedLeaves } from "./audit.support";
import { startReceiver, type WebhookReceiver } from "./support/webhook-receiver";
import { deliveries, eventually, WEBHOOK_TEST_ENV } from "./webhooks.support";

let gw: TestGateway;
let receiver: WebhookReceiver;
const document = buildOpenApiDocument();
const checker = new ConformanceChecker(document);
beforeAll(async () => {
  gw = await startTestGateway({ env: WEBHOOK_TEST_ENV });
  receiver = await startReceiver();
});
afterAll(async () => {
  await gw?.stop();
  await receiver?.close();
});

type Method = "get" | "post" | "put" | "patch" | "delete";

interface CallOptions {
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  ndjson?: string;
  basic?: [string, string];
  accept?: string;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
}

/** One request, checked against the document whatever its status; fails when the status is not the one expected. */
async function call(method: Method, path: string, status: number, options: CallOptions = {}) {
  let request = gw.http[method](path);
  if (options.token) request = request.set("Authorization", `Bearer ${options.token}`);
  if (options.basic) request = request.auth(options.basic[0], options.basic[1]);
  if (options.accept) request = request.set("Accept", options.accept);
  for (const [name, value] of Object.entries(options.headers ?? {})) request = request.set(name, value);
  if (options.query) request = request.query(options.query);
  if (options.form) request = request.type("form").send(options.form);
  else if (options.ndjson !== undefined) request = request.set("Content-Type", "application/x-ndjson").send(options.ndjson);
  else if (options.json !== undefined) request = request.send(options.json as object);
  const response = await request;
  const query = options.query ? `?${new URLSearchParams(Object.entries(options.query).map(([key, value]) => [key, String(value)]))}` : "";
  checker.record(method, `${path}${query}`, response);
  if (response.status !== status) throw new Error(`${method.toUpperCase()} ${path}: expected ${status}, got ${response.status}: ${response.text.slice(0, 300)}`);
  return response;
}

const UNKNOWN = "00000000-0000-4000-8000-000000000000";

describe("responses conform to the OpenAPI document", () => {
  it("when a realistic flow calls every route, then every answer matches its documented schema", async () => {
    // Reference and operations.
    await call("get", "/healthz", 200);
    await call("get", "/readyz", 200);
    await call("get", "/metrics", 200);
    await call("get", "/.well-known/jwks.json", 200);
    await call("get", "/openapi.json", 200);
    await call("get", "/docs", 200);

    // Admin sign-in and users.
    await call("post", "/v1/auth/login", 400, { json: { username: ADMIN_USERNAME } });
    await call("post", "/v1/auth/login", 401, { json: { username: ADMIN_USERNAME, password: "wrong-password-entirely" } });
    const admin = (await call("post", "/v1/auth/login", 200, { json: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD } })).body.access_token as string;
    const adminId = JSON.parse(Buffer.from(admin.split(".")[1]!, "base64url").toString()).sub as string;
    await call("get", "/v1/purposes", 200, { token: admin });
    await call("get", "/v1/purposes", 401);
    const crmPassword = `crm-${randomUUID()}`;
    const crmUser = (await call("post", "/v1/admin/users", 201, { token: admin, json: { username: `crm-${randomUUID().slice(0, 8)}`, password: crmPassword, roles: ["crm_admin"] } })).body;
    await call("post", "/v1/admin/users", 409, { token: admin, json: { username: crmUser.username, password: crmPassword, roles: ["crm_admin"] } });
    await call("post", "/v1/admin/users", 400, { token: admin, json: { username: "short-pw", password: "short", roles: ["crm_admin"] } });
    const crm = (await call("post", "/v1/auth/login", 200, { json: { username: crmUser.username, password: crmPassword } })).body.access_token as string;
    await call("get", "/v1/admin/users", 200, { token: admin });
    await call("get", "/v1/admin/users", 403, { token: crm });
    await call("get", "/v1/audit/events", 403, { token: crm });
    await call("get", `/v1/admin/users/${crmUser.id}`, 200, { token: admin });
    await call("get", `/v1/admin/users/${UNKNOWN}`, 404, { token: admin });
    await call("get", "/v1/admin/users/not-a-uuid", 400, { token: admin });
    await call("patch", `/v1/admin/users/${crmUser.id}`, 200, { token: admin, json: { roles: ["crm_admin", "compliance_auditor"] } });
    await call("patch", `/v1/admin/users/${adminId}`, 403, { token: admin, json: { roles: ["crm_admin"] } });
    await call("delete", `/v1/admin/users/${adminId}`, 409, { token: admin });
    const doomed = (await call("post", "/v1/admin/users", 201, { token: admin, json: { username: `gone-${randomUUID().slice(0, 8)}`, password: crmPassword, roles: ["user_admin"] } })).body;
    await call("delete", `/v1/admin/users/${doomed.id}`, 204, { token: admin });
    await call("delete", `/v1/admin/users/${doomed.id}`, 404, { token: admin });

    // Dealers, credentials, grants.
    await call("post", "/v1/admin/dealers", 400, { token: admin, json: { name: "No country" } });
    const dealer = (await call("post", "/v1/admin/dealers", 201, { token: admin, json: { name: "Maison Vendôme", country: "FR" } })).body;
    const faraway = (await call("post", "/v1/admin/dealers", 201, { token: admin, json: { name: "Tokyo Ginza", country: "JP" } })).body;
    const firstPage = (await call("get", "/v1/admin/dealers", 200, { token: admin, query: { limit: 1 } })).body;
    await call("get", "/v1/admin/dealers", 200, { token: admin, query: { limit: 1, cursor: firstPage.nextCursor } });
    await call("get", "/v1/admin/dealers", 400, { token: admin, query: { cursor: "not-a-cursor" } });
    await call("get", `/v1/admin/dealers/${dealer.id}`, 200, { token: admin });
    await call("get", `/v1/admin/dealers/${UNKNOWN}`, 404, { token: admin });
    await call("patch", `/v1/admin/dealers/${faraway.id}`, 200, { token: admin, json: { name: "Tokyo Ginza Boutique" } });
    await call("patch", `/v1/admin/dealers/${faraway.id}`, 400, { token: admin, json: { status: "suspended" } });
    await call("post", `/v1/admin/dealers/${faraway.id}/suspend`, 200, { token: admin });
    await call("post", `/v1/admin/dealers/${faraway.id}/suspend`, 409, { token: admin });
    await call("post", `/v1/admin/dealers/${faraway.id}/reinstate`, 200, { token: admin });
    await call("post", `/v1/admin/dealers/${faraway.id}/reinstate`, 409, { token: admin });
    const credential = (await call("post", `/v1/admin/dealers/${dealer.id}/credentials`, 201, { token: admin, json: {} })).body;
    const farCredential = (await call("post", `/v1/admin/dealers/${faraway.id}/credentials`, 201, { token: admin })).body;
    await call("post", `/v1/admin/dealers/${UNKNOWN}/credentials`, 404, { token: admin });
    const spare = (await call("post", `/v1/admin/dealers/${dealer.id}/credentials`, 201, { token: admin })).body;
    await call("get", `/v1/admin/dealers/${dealer.id}/credentials`, 200, { token: admin });
    await call("get", `/v1/admin/dealers/${UNKNOWN}/credentials`, 404, { token: admin });
    await call("get", `/v1/admin/dealers/${dealer.id}/credentials/${credential.clientId}`, 200, { token: admin });
    await call("get", `/v1/admin/dealers/${dealer.id}/credentials/${farCredential.clientId}`, 404, { token: admin });
    await call("get", `/v1/admin/dealers/${dealer.id}/credentials/not-a-client`, 400, { token: admin });
    await call("delete", `/v1/admin/dealers/${dealer.id}/credentials/${spare.clientId}`, 204, { token: admin });
    await call("delete", `/v1/admin/dealers/${dealer.id}/credentials/${spare.clientId}`, 409, { token: admin });
    await call("put", `/v1/admin/dealers/${dealer.id}/grants/service_delivery`, 201, { token: admin, json: {} });
    await call("put", `/v1/admin/dealers/${dealer.id}/grants/service_delivery`, 200, { token: admin, json: { fields: ["name", "email", "phone", "warranties"] } });
    await call("put", `/v1/admin/dealers/${dealer.id}/grants/record_accuracy`, 201, { token: admin, json: { expiresAt: "2027-01-01T00:00:00Z" } });
    await call("put", `/v1/admin/dealers/${dealer.id}/grants/in_store_experience`, 400, { token: admin, json: { fields: ["birthDate"] } });
    await call("put", `/v1/admin/dealers/${dealer.id}/grants/no_such_purpose`, 400, { token: admin, json: {} });
    await call("put", `/v1/admin/dealers/${faraway.id}/grants/service_delivery`, 201, { token: admin });
    await call("put", `/v1/admin/dealers/${dealer.id}/webhook`, 200, { token: admin, json: { url: receiver.url } });
    await call("put", `/v1/admin/dealers/${dealer.id}/webhook`, 400, { token: admin, json: { url: "https://10.0.0.1/hooks" } });
    await call("get", `/v1/admin/dealers/${faraway.id}/webhook`, 404, { token: admin });
    await call("delete", `/v1/admin/dealers/${dealer.id}/grants/record_accuracy`, 204, { token: admin });
    const [delivery] = await eventually(() => deliveries(gw, dealer.id), (rows) => rows[0]?.status === "delivered", "the grant.revoked delivery");
    await call("get", `/v1/admin/dealers/${dealer.id}/webhook`, 200, { token: admin });
    await call("get", `/v1/admin/dealers/${dealer.id}/webhook/deliveries`, 200, { token: admin, query: { limit: 10 } });
    await call("get", `/v1/admin/dealers/${dealer.id}/webhook/deliveries`, 400, { token: admin, query: { limit: 0 } });
    await call("post", `/v1/admin/dealers/${dealer.id}/webhook/deliveries/${delivery!.id}/replay`, 202, { token: admin, json: {} });
    await call("post", `/v1/admin/dealers/${dealer.id}/webhook/deliveries/999999999/replay`, 404, { token: admin, json: {} });
    await call("delete", `/v1/admin/dealers/${dealer.id}/webhook`, 204, { token: admin });
    await call("delete", `/v1/admin/dealers/${dealer.id}/webhook`, 404, { token: admin });
    await call("delete", `/v1/admin/dealers/${dealer.id}/grants/record_accuracy`, 404, { token: admin });
    await call("get", `/v1/admin/dealers/${dealer.id}/grants`, 200, { token: admin, query: { include: "revoked" } });
    await call("get", `/v1/admin/dealers/${UNKNOWN}/grants`, 404, { token: admin });

    // Customers.
    const record = customerRecord();
    const customer = (await call("post", "/v1/admin/customers", 201, { token: admin, json: record })).body;
    await call("post", "/v1/admin/customers", 409, { token: admin, json: customerRecord({ externalRef: record.externalRef }) });
    await call("post", "/v1/admin/customers", 400, { token: admin, json: { ...customerRecord(), birthDate: "09/03/1984" } });
    const minimal = (await call("post", "/v1/admin/customers", 201, { token: admin, json: { externalRef: `CRM-${randomUUID()}`, name: { given: "Jan", family: "Jansen" } } })).body;
    await call("get", "/v1/admin/customers", 200, { token: admin, query: { externalRef: String(record.externalRef) } });
    await call("get", "/v1/admin/customers", 200, { token: admin, query: { email: String(record.email).toUpperCase() } });
    await call("get", "/v1/admin/customers", 400, { token: admin, query: { externalRef: "A", email: "a@example.com" } });
    await call("get", `/v1/admin/customers/${customer.id}`, 200, { token: admin });
    await call("get", `/v1/admin/customers/${UNKNOWN}`, 404, { token: admin });
    await call("patch", `/v1/admin/customers/${customer.id}`, 200, { token: admin, json: { preferredBoutique: "Genève Rhône", salutation: undefined } });
    await call("patch", `/v1/admin/customers/${customer.id}`, 400, { token: admin, json: {} });
    const imported = [JSON.stringify(customerRecord()), "{not json", JSON.stringify({ externalRef: "NO-NAME" })].join("\n");
    await call("post", "/v1/admin/customers/import", 200, { token: admin, ndjson: imported });
    await call("post", "/v1/admin/customers/import", 415, { token: admin, json: [customerRecord()] });
    await call("post", `/v1/admin/customers/${minimal.id}/restrict`, 200, { token: admin });
    await call("post", `/v1/admin/customers/${minimal.id}/restrict`, 409, { token: admin });
    await call("post", `/v1/admin/customers/${minimal.id}/unrestrict`, 200, { token: admin, json: {} });
    await call("post", `/v1/admin/customers/${minimal.id}/unrestrict`, 409, { token: admin });

    // Consents and the access check.
    const consent = (await call("post", `/v1/admin/customers/${customer.id}/consents`, 201, {
      token: admin, json: { dealerId: dealer.id, purposes: ["service_delivery", "in_store_experience"], channel: "boutique", evidenceRef: "EV-1", policyVersion: "2021-04" },
    })).body;
    await call("post", `/v1/admin/customers/${customer.id}/consents`, 201, {
      token: admin, json: { dealerId: faraway.id, purposes: ["service_delivery"], channel: "web", evidenceRef: "EV-2", policyVersion: "2021-04", expiresAt: "2030-01-01T00:00:00+01:00" },
    });
    await call("post", `/v1/admin/customers/${customer.id}/consents`, 400, {
      token: admin, json: { dealerId: dealer.id, purposes: ["marketing"], channel: "boutique", evidenceRef: "EV-3", policyVersion: "2021-04" },
    });
    await call("post", `/v1/admin/customers/${UNKNOWN}/consents`, 404, {
      token: admin, json: { dealerId: dealer.id, purposes: ["service_delivery"], channel: "boutique", evidenceRef: "EV-4", policyVersion: "2021-04" },
    });
    await call("get", `/v1/admin/customers/${customer.id}/consents`, 200, { token: admin });
    await call("get", `/v1/admin/customers/${UNKNOWN}/consents`, 404, { token: admin });
    await call("get", `/v1/admin/consents/${consent.id}`, 200, { token: admin });
    await call("get", `/v1/admin/consents/${UNKNOWN}`, 404, { token: admin });
    await call("post", "/v1/admin/access-check", 200, { token: crm, json: { dealerId: dealer.id, customerId: customer.id, purpose: "service_delivery" } });
    await call("post", "/v1/admin/access-check", 200, { token: admin, json: { dealerId: faraway.id, customerId: customer.id, purpose: "service_delivery" } });
    await call("post", "/v1/admin/access-check", 400, { token: admin, json: { dealerId: dealer.id } });

    // The dealer API.
    await call("post", "/oauth/token", 401, { form: { grant_type: "client_credentials" } });
    await call("post", "/oauth/token", 401, { basic: [credential.clientId, "wrong"], form: { grant_type: "client_credentials" } });
    await call("post", "/oauth/token", 400, { basic: [credential.clientId, credential.clientSecret], form: { grant_type: "password" } });
    await call("post", "/oauth/token", 400, { basic: [credential.clientId, credential.clientSecret], form: { grant_type: "client_credentials", scope: "purpose:record_accuracy" } });
    const token = (await call("post", "/oauth/token", 200, { basic: [credential.clientId, credential.clientSecret], form: { grant_type: "client_credentials" } })).body.access_token as string;
    const farToken = (await call("post", "/oauth/token", 200, {
      form: { grant_type: "client_credentials", client_id: farCredential.clientId, client_secret: farCredential.clientSecret },
    })).body.access_token as string;
    const read = (purpose: string) => ({ token, query: { purpose } });
    await call("get", `/v1/customers/${customer.id}`, 200, read("service_delivery"));
    await call("get", `/v1/customers/${customer.id}`, 401, { query: { purpose: "service_delivery" } });
    await call("get", `/v1/customers/${customer.id}`, 401, { token: admin, query: { purpose: "service_delivery" } });
    await call("get", `/v1/customers/${customer.id}`, 400, read("marketing"));
    await call("get", `/v1/customers/${customer.id}`, 403, read("relationship_management"));
    await call("get", `/v1/customers/${customer.id}`, 403, { token: farToken, query: { purpose: "service_delivery" } });
    await call("get", `/v1/customers/${minimal.id}`, 404, read("service_delivery"));
    await call("get", "/v1/customers/not-a-uuid", 404, read("service_delivery"));
    await call("post", "/v1/customers/lookup", 200, { ...read("service_delivery"), json: { email: String(record.email).toUpperCase() } });
    await call("post", "/v1/customers/lookup", 200, { ...read("service_delivery"), json: { phone: String(record.phone) } });
    await call("post", "/v1/customers/lookup", 400, { ...read("service_delivery"), json: { email: "a@example.com", phone: "+33612345678" } });
    await call("get", "/v1/customers", 200, { token, query: { purpose: "service_delivery", limit: 10 } });
    await call("get", "/v1/customers", 400, { token, query: { purpose: "service_delivery", cursor: "bogus" } });

    // Registering at the point of sale.
    await call("put", `/v1/admin/dealers/${dealer.id}/grants/record_accuracy`, 201, { token: admin, json: { write: true } });
    await call("post", `/v1/admin/customers/${customer.id}/consents`, 201, {
      token: admin, json: { dealerId: dealer.id, purposes: ["record_accuracy"], channel: "dealer_store", evidenceRef: "EV-5", policyVersion: "2021-04" },
    });
    const writer = (await call("post", "/oauth/token", 200, { basic: [credential.clientId, credential.clientSecret], form: { grant_type: "client_credentials" } })).body.access_token as string;
    const writing = (key: string, json: unknown) => ({ token: writer, query: { purpose: "record_accuracy" }, headers: { "Idempotency-Key": key }, json });
    const sale = { date: "2026-05-30", productRef: "REF-5711", serialNumber: "SN-OA-1", amount: 41000, currency: "EUR" };
    await call("post", `/v1/customers/${customer.id}/purchases`, 201, writing("sale-1", sale));
    await call("post", `/v1/customers/${customer.id}/purchases`, 201, writing("sale-1", sale));
    await call("post", `/v1/customers/${customer.id}/purchases`, 422, writing("sale-1", { ...sale, amount: 1 }));
    await call("post", `/v1/customers/${customer.id}/purchases`, 400, writing("sale-2", { date: "2026-05-30" }));
    await call("post", `/v1/customers/${customer.id}/purchases`, 403, { ...writing("sale-3", sale), token });
    await call("post", `/v1/customers/${minimal.id}/purchases`, 404, writing("sale-4", sale));
    const warranty = { serialNumber: "SN-OA-1", productRef: "REF-5711", startsOn: "2026-05-30", endsOn: "2028-05-30", extended: false };
    await call("post", `/v1/customers/${customer.id}/warranties`, 201, writing("warranty-1", warranty));
    await call("post", `/v1/customers/${customer.id}/warranties`, 409, writing("warranty-2", warranty));
    await call("post", `/v1/customers/${minimal.id}/warranties`, 404, writing("warranty-3", warranty));
    await call("put", `/v1/customers/${customer.id}/marketing-preferences`, 200, writing("prefs-1", { email: false, phone: false, post: true, sms: false }));
    await call("put", `/v1/customers/${customer.id}/marketing-preferences`, 400, writing("prefs-2", { email: true, phone: false, post: true, sms: false }));
    await call("put", `/v1/customers/${minimal.id}/marketing-preferences`, 404, writing("prefs-3", { email: true, phone: false, post: true, sms: false }));
    await call("get", `/v1/admin/customers/${customer.id}/marketing-preferences`, 200, { token: admin });
    await call("get", `/v1/admin/customers/${UNKNOWN}/marketing-preferences`, 404, { token: admin });

    await call("post", `/v1/admin/consents/${consent.id}/withdraw`, 200, { token: admin, json: { purposes: ["in_store_experience"], reason: "asked in store" } });
    await call("post", `/v1/admin/consents/${consent.id}/withdraw`, 400, { token: admin, json: { purposes: ["record_accuracy"] } });
    await call("post", `/v1/admin/consents/${consent.id}/withdraw`, 200, { token: admin });
    const feed = (await call("get", "/v1/consent-events", 200, { token })).body;
    await call("get", "/v1/consent-events", 400, { token, query: { cursor: "bogus" } });
    const lastEvent = feed.items.at(-1).id as string;
    await call("post", "/v1/consent-events/ack", 200, { token, json: { upTo: lastEvent } });
    await call("post", "/v1/consent-events/ack", 409, { token, json: { upTo: feed.items[0].id } });
    await call("post", "/v1/consent-events/ack", 400, { token, json: { upTo: "999999999" } });

    // Erasure, then the compliance API.
    await call("post", `/v1/admin/customers/${customer.id}/erase`, 200, { token: admin });
    await call("post", `/v1/admin/customers/${customer.id}/erase`, 409, { token: admin });
    await call("get", `/v1/admin/customers/${customer.id}`, 200, { token: admin });
    await call("patch", `/v1/admin/customers/${customer.id}`, 409, { token: admin, json: { preferredBoutique: "Paris" } });
    await call("get", "/v1/audit/events", 200, { token: admin, query: { customerId: customer.id, limit: 5 } });
    await call("get", "/v1/audit/events", 200, { token: admin, query: { dealerId: dealer.id }, accept: "text/csv" });
    await call("get", "/v1/audit/events", 200, { token: admin, query: { action: "customer.read", decision: "allow" }, accept: "application/x-ndjson" });
    await call("get", "/v1/audit/events", 400, { token: admin, query: { from: "yesterday" } });
    await call("get", "/v1/audit/events", 406, { token: admin, accept: "image/png" });
    await call("get", `/v1/audit/customers/${customer.id}/report`, 200, { token: admin });
    await call("get", `/v1/audit/customers/${UNKNOWN}/report`, 404, { token: admin });
    await call("get", `/v1/audit/dealers/${dealer.id}/pending-purges`, 200, { token: admin });
    await call("get", `/v1/audit/dealers/${faraway.id}/pending-purges`, 200, { token: admin, query: { limit: 1 } });
    await call("get", `/v1/audit/dealers/${UNKNOWN}/pending-purges`, 404, { token: admin });
    await call("get", "/v1/audit/pending-purges", 200, { token: admin });
    await call("get", "/v1/audit/pending-purges", 400, { token: admin, query: { limit: 5 } });
    for (const what of ["dealers", "customers", "admin-users"]) {
      await call("get", `/v1/admin/lookup/${what}`, 200, { token: admin, query: { q: "a" } });
      await call("get", `/v1/admin/lookup/${what}`, 400, { token: admin, query: { q: "" } });
    }
    await call("get", "/v1/admin/consent-defaults", 200, { token: crm });
    await call("get", "/v1/admin/consent-defaults", 400, { token: crm, query: { x: "1" } });
    await call("get", "/v1/audit/verify", 200, { token: admin });
    await call("get", "/v1/audit/verify", 400, { token: admin, query: { deep: "yes" } });
    await integrate(gw);
    const checkpoint = (await call("get", "/v1/audit/checkpoint", 200, { token: admin, accept: "application/json" })).body as { note: string; treeSize: number };
    await call("get", "/v1/audit/checkpoint", 200, { token: admin });
    await call("get", "/v1/audit/checkpoint", 406, { token: admin, accept: "image/png" });
    const [leaf] = await integratedLeaves(gw);
    await call("get", `/v1/audit/events/${leaf!.eventId}/proof`, 200, { token: admin });
    await call("get", `/v1/audit/events/${leaf!.eventId}/proof`, 400, { token: admin, query: { treeSize: "many" } });
    await call("get", `/v1/audit/events/${UNKNOWN}/proof`, 404, { token: admin });
    await call("get", "/v1/audit/consistency", 200, { token: admin, query: { from: 1, to: checkpoint.treeSize } });
    await call("get", "/v1/audit/consistency", 400, { token: admin, query: { from: "x" } });
    await call("post", "/v1/audit/verify", 200, { token: admin, json: { checkpoint: checkpoint.note } });
    await call("post", "/v1/audit/verify", 400, { token: admin, json: {} });

    expect(checker.mismatches).toEqual([]);
  });

  it("when the flow has run, then every operation answered each documented success status, and an error where it documents one", () => {
    const operations = Object.entries(document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)
      .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, statuses: Object.keys(operation.responses) })));
    const missing: string[] = [];
    for (const { name, statuses } of operations) {
      const seen = checker.seen.get(name) ?? new Set<number>();
      for (const status of statuses.filter((code) => /^2\d\d$/.test(code))) if (!seen.has(Number(status))) missing.push(`${name} ${status}`);
      const documentsClientErrors = statuses.some((code) => /^4\d\d$/.test(code) && code !== "429");
      if (documentsClientErrors && ![...seen].some((status) => status >= 400 && status < 500)) missing.push(`${name} 4xx`);
    }
    expect(missing).toEqual([]);
  });

  it("when a response does not match, then the checker says where and why", () => {
    const local = new ConformanceChecker(document);
    expect(local.check("GET", "/v1/admin/dealers/x", 200, "application/json", { id: "x" })).toEqual(
      expect.arrayContaining([expect.stringContaining("must have required property 'name'")]),
    );
    expect(local.check("GET", "/v1/admin/dealers", 418, "application/json", {})).toEqual([expect.stringContaining("status not documented")]);
    expect(local.check("GET", "/v1/nowhere", 200, "application/json", {})).toEqual([expect.stringContaining("no documented operation")]);
    expect(local.check("GET", "/healthz", 200, "application/json", { status: "ok", extra: true })).not.toEqual([]);
  });
});
