import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { rowCounts } from "./support/db-state";
import { createCredential, createCustomer, dealerToken, dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { NASTY_BODIES, NASTY_VALUES, SQL_INJECTIONS, type NastyBody } from "./support/nasty-inputs";
import { send, sendBytes, type RawResponse } from "./support/raw-http";
import { fill, paramNames, servedRoutes, type ServedRoute } from "./support/routes";

/**
 * Contract section 7 against every route the gateway serves: whatever arrives (wrong types, huge
 * numbers, deep JSON, long strings, broken UTF-8, hostile unicode, SQL, CR/LF, traversal, bad dates
 * and cursors, non-object JSON, foreign content types), the answer is a 4xx problem+json (RFC 6749
 * JSON at /oauth/token) without a stack trace or SQL, and nothing is written. Refusals of dealer
 * calls are audited, which is the one write allowed.
 */
// Each test walks every route with dozens of inputs; on a busy MySQL that takes longer than the default.
vi.setConfig({ testTimeout: 120_000 });

let gw: TestGateway;
let access: DealerWithAccess;
let adminToken: string;
let ids: Record<string, string>;
let routes: ServedRoute[];

const DATA_TABLES = [
  "admin_users", "purposes", "dealers", "dealer_credentials", "dealer_grants", "customers", "consents", "consent_purposes", "consent_history",
  "dealer_events", "dealer_event_acks", "schema_migrations",
];

beforeAll(async () => {
  gw = await startTestGateway();
  adminToken = await gw.adminToken();
  access = await dealerWithAccess(gw, "service_delivery");
  const userId = (JSON.parse(Buffer.from(adminToken.split(".")[1]!, "base64url").toString()) as { sub: string }).sub;
  await createCredential(gw, access.dealer.id);
  const events: { seq: number }[] = await gw.dataSource.query("SELECT seq FROM dealer_events WHERE dealer_id = ? ORDER BY seq", [access.dealer.id]);
  ids = { id: access.dealer.id, clientId: access.credential.clientId, purpose: "service_delivery", userId, customerId: access.customer.id, consentId: access.consent.id, eventId: String(events[0]?.seq ?? 1) };
  routes = servedRoutes(gw.gateway.server).filter((route) => typeof route.path === "string" && route.path.startsWith("/"));
});
afterAll(async () => {
  await gw?.stop();
});

/** A digest of every data row, so that an in-place change is caught as well as an insert. */
async function snapshot(): Promise<string> {
  const parts: unknown[] = [await rowCounts(gw, DATA_TABLES)];
  for (const table of ["dealers", "dealer_credentials", "dealer_grants", "customers", "consent_purposes", "admin_users", "dealer_event_acks"]) {
    parts.push(await gw.dataSource.query(`SELECT * FROM ${table} ORDER BY 1`));
  }
  return JSON.stringify(parts);
}

const isDealerApi = (path: string) => path.startsWith("/v1/customers") || path.startsWith("/v1/consent-events");
const isTokenEndpoint = (path: string) => path.startsWith("/oauth/token");

function authFor(path: string): Record<string, string> {
  if (isTokenEndpoint(path) || path === "/v1/auth/login") return {};
  return { Authorization: `Bearer ${isDealerApi(path) ? access.token : adminToken}` };
}

/** A concrete, valid URL for the route: the real ids of this file's fixtures. */
const realPath = (route: ServedRoute) => fill(route.path, { id: realIdFor(route.path), clientId: ids.clientId!, purpose: ids.purpose!, deliveryId: "1" });

function realIdFor(path: string): string {
  if (path.startsWith("/v1/admin/users")) return ids.userId!;
  if (path.startsWith("/v1/admin/customers") || path.startsWith("/v1/customers") || path.startsWith("/v1/audit/customers")) return ids.customerId!;
  if (path.startsWith("/v1/admin/consents")) return ids.consentId!;
  return ids.id!;
}

const STACK_TRACE = /\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+|node_modules|Error: /;
/** Driver errors and SQL naming the gateway's tables; the hostile payloads themselves are removed first, as a validation message may quote them. */
const SQL_TEXT = /SQLITE_[A-Z]+|\bER_[A-Z_]{4,}\b|QueryFailedError|sqlMessage|sqlState|error in your SQL syntax|syntax error|\b(FROM|INTO|UPDATE|JOIN) `?(customers|dealers|audit_events|admin_users|consents|consent_purposes|dealer_\w+)\b/;
const withoutPayloads = (text: string) => SQL_INJECTIONS.reduce((rest, payload) => rest.split(payload).join("").split(JSON.stringify(payload).slice(1, -1)).join(""), text);

/** Never a 5xx, never internals, always the documented error shape. */
function expectSafe(what: string, path: string, response: RawResponse): void {
  const label = `${what}: ${response.status} ${response.text.slice(0, 300)}`;
  expect(response.status, label).toBeGreaterThanOrEqual(200);
  expect(response.status, label).toBeLessThan(500);
  expect(response.text, label).not.toMatch(STACK_TRACE);
  expect(withoutPayloads(response.text), label).not.toMatch(SQL_TEXT);
  expect(response.headers["x-request-id"], label).toBeTruthy();
  expect(response.headers["x-injected"], label).toBeUndefined();
  expect(String(response.headers["set-cookie"] ?? ""), label).not.toContain("injected");
  if (response.status < 400) return;
  if (isTokenEndpoint(path)) {
    expect(response.headers["content-type"], label).toMatch(/^application\/json/);
    expect(response.json?.error, label).toMatch(/^(invalid_request|invalid_client|unsupported_grant_type|invalid_scope)$/);
  } else {
    expect(response.headers["content-type"], label).toMatch(/^application\/problem\+json/);
    expect(response.json, label).toMatchObject({ status: response.status, code: expect.any(String), requestId: response.headers["x-request-id"] });
  }
}

async function expectNothingWritten(what: string, run: () => Promise<void>): Promise<void> {
  const before = await snapshot();
  await run();
  expect(await snapshot(), `${what} wrote data`).toBe(before);
}

describe("malformed path parameters on every route", () => {
  it("when any path parameter is hostile, then every route answers 4xx problem+json and writes nothing", async () => {
    const withParams = routes.filter((route) => paramNames(route.path).length > 0);
    expect(withParams.length).toBeGreaterThan(20);
    for (const route of withParams) {
      await expectNothingWritten(`${route.method} ${route.path}`, async () => {
        for (const name of paramNames(route.path)) {
          for (const nasty of NASTY_VALUES) {
            const real: Record<string, string> = { id: realIdFor(route.path), clientId: ids.clientId!, purpose: ids.purpose!, deliveryId: "1" };
            const segment = nasty.raw ? nasty.value : encodeURIComponent(nasty.value);
            const raw = route.path.replace(/:([A-Za-z]+)/g, (_match, param: string) => (param === name ? segment : encodeURIComponent(real[param]!)));
            const query = isDealerApi(route.path) ? "?purpose=service_delivery" : "";
            const response = await send(gw.url, { method: route.method, path: raw + query, headers: { ...authFor(route.path), "Content-Type": "application/json" }, body: route.method === "GET" ? undefined : "{}" });
            expectSafe(`${route.method} ${route.path} with :${name} = ${nasty.name}`, route.path, response);
            expect(response.status, `${route.method} ${route.path} with :${name} = ${nasty.name}`).toBeGreaterThanOrEqual(400);
          }
        }
      });
    }
  });
});

/** One of each kind of hostile value: every query key of every route meets all of them. */
const QUERY_VALUES = NASTY_VALUES.filter((nasty) => [
  "encoded dots", "SQL injection (drop)", "SQL injection (or)", "huge exponent", "huge integer", "negative", "impossible date-time", "right-to-left override",
  "zero-width characters", "invalid UTF-8 escapes", "NUL byte", "CR LF header injection", "very long string", "JSON-looking",
].includes(nasty.name));

/** Search terms where any text is a legitimate (if fruitless) query. */
const FREE_TEXT_KEYS = new Set(["externalRef"]);

/** The query parameters each route reads, plus one it does not. */
function queryKeys(path: string): string[] {
  const known: Record<string, string[]> = {
    "/v1/customers/:id": ["purpose"], "/v1/customers": ["purpose", "cursor", "limit"], "/v1/customers/lookup": ["purpose"],
    "/v1/consent-events": ["purpose", "cursor", "limit"], "/v1/admin/dealers": ["status", "country", "cursor", "limit"],
    "/v1/admin/customers": ["externalRef", "email"], "/v1/admin/dealers/:id/grants": ["include"],
    "/v1/audit/events": ["customerId", "dealerId", "actorId", "purpose", "action", "decision", "from", "to", "cursor", "limit"],
    "/v1/audit/pending-purges": ["cursor", "limit"], "/v1/audit/dealers/:id/pending-purges": ["cursor", "limit"],
  };
  return [...(known[path] ?? []), "unexpected"];
}

describe("malformed query parameters", () => {
  it("when a query parameter is hostile, repeated or unknown, then the route answers 4xx problem+json and writes nothing", async () => {
    const targets = routes.filter((route) => route.method === "GET" || route.path === "/v1/customers/lookup").filter((route) => route.path.startsWith("/v1/"));
    for (const route of targets) {
      await expectNothingWritten(`${route.method} ${route.path}`, async () => {
        for (const key of queryKeys(route.path)) {
          const values = key === "unexpected" ? NASTY_VALUES.slice(0, 1) : QUERY_VALUES;
          const variants = [...values.map((nasty) => ({ name: nasty.name, query: `${key}=${nasty.raw ? nasty.value : encodeURIComponent(nasty.value)}` })), { name: "repeated", query: `${key}=1&${key}=2` }, { name: "bracketed", query: `${key}[$ne]=x` }];
          for (const variant of variants) {
            const base = isDealerApi(route.path) && key !== "purpose" ? "purpose=service_delivery&" : "";
            const body = route.method === "POST" ? JSON.stringify({ email: access.customer.email }) : undefined;
            const response = await send(gw.url, { method: route.method, path: `${realPath(route)}?${base}${variant.query}`, headers: { ...authFor(route.path), "Content-Type": "application/json" }, body });
            const what = `${route.method} ${route.path}?${key} = ${variant.name}`;
            expectSafe(what, route.path, response);
            // A hostile value is refused, or (a free-text search such as externalRef) simply finds nobody.
            if (response.status < 400 && key !== "unexpected") expect([...(response.json?.items as unknown[] ?? []), ...(response.json?.matches as unknown[] ?? [])], what).toEqual([]);
            else if (key !== "unexpected" && variant.name !== "repeated" && !FREE_TEXT_KEYS.has(key)) expect(response.status, what).toBeGreaterThanOrEqual(400);
          }
        }
      });
    }
  });
});

function bodyRequest(route: ServedRoute, nasty: NastyBody, path: string) {
  return send(gw.url, {
    method: route.method,
    path: `${path}${isDealerApi(route.path) ? "?purpose=service_delivery" : ""}`,
    headers: { ...authFor(route.path), "Content-Type": nasty.contentType, ...nasty.headers },
    body: nasty.body,
  });
}

describe("malformed bodies on every route that takes one", () => {
  it("when the body is malformed, of the wrong type or of a foreign content type, then the route answers 4xx and writes nothing", async () => {
    const targets = routes.filter((route) => route.method !== "GET");
    expect(targets.length).toBeGreaterThan(15);
    for (const route of targets) {
      // A DELETE takes no body: a real id would be a legitimate revocation, so it gets an unknown one.
      const path = route.method === "DELETE" ? fill(route.path, { id: randomUUID(), clientId: "dlr_000000000000000000000000", purpose: "service_delivery", deliveryId: "1" }) : realPath(route);
      await expectNothingWritten(`${route.method} ${route.path}`, async () => {
        for (const nasty of NASTY_BODIES) {
          const response = await bodyRequest(route, nasty, path);
          const what = `${route.method} ${route.path} with ${nasty.name}`;
          expectSafe(what, route.path, response);
          expect(response.status, what).toBeGreaterThanOrEqual(400);
        }
      });
    }
  });

  it("when the import receives broken NDJSON lines, then each is reported and nothing is written", async () => {
    const lines = ["[]", "null", "\"x\"", "{\"externalRef\":", `{"externalRef":"${SQL_INJECTIONS[0]}","name":1e999}`, "{\"a\":".repeat(5000), "{\"externalRef\":\"A\",\"externalRef\":7}"];
    await expectNothingWritten("import", async () => {
      for (const body of [lines.join("\n"), Buffer.from([0xff, 0xfe, 0x0a, 0xc3, 0x28]), "\n\n\n", "x".repeat(10_000)]) {
        const response = await send(gw.url, { method: "POST", path: "/v1/admin/customers/import", headers: { ...authFor("/v1/admin"), "Content-Type": "application/x-ndjson" }, body });
        expectSafe("import", "/v1/admin/customers/import", response);
        if (response.status === 200) expect(response.json).toMatchObject({ created: 0, updated: 0 });
      }
    });
  });

  it("when the token endpoint receives hostile form fields, then RFC 6749 errors come back and no token is issued", async () => {
    const forms = [
      `grant_type=client_credentials&client_id=${encodeURIComponent(SQL_INJECTIONS[1]!)}&client_secret=${encodeURIComponent(SQL_INJECTIONS[0]!)}`,
      `grant_type=client_credentials&client_id=${access.credential.clientId}&client_secret=%FF%FE%C0%AF`,
      `grant_type=client_credentials&client_id=${access.credential.clientId}&client_secret=${"x".repeat(3000)}`,
      `grant_type=client_credentials&client_id=${access.credential.clientId}&client_secret=${access.credential.clientSecret}&scope=${encodeURIComponent("purpose:../../etc/passwd")}`,
      `grant_type=client_credentials%0D%0AX-Injected:%201&client_id=a&client_secret=b`,
      "grant_type[]=client_credentials&client_id[]=a&client_secret[]=b",
    ];
    const before = Number((await gw.dataSource.query("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'token.issue' AND decision = 'allow'"))[0].n);
    for (const body of forms) {
      const response = await send(gw.url, { method: "POST", path: "/oauth/token", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });
      expectSafe(`token form ${body.slice(0, 60)}`, "/oauth/token", response);
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
    for (const nasty of NASTY_BODIES) {
      const response = await send(gw.url, { method: "POST", path: "/oauth/token", headers: { "Content-Type": nasty.contentType, ...nasty.headers }, body: nasty.body });
      expectSafe(`token with ${nasty.name}`, "/oauth/token", response);
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
    const after = Number((await gw.dataSource.query("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'token.issue' AND decision = 'allow'"))[0].n);
    expect(after).toBe(before);
  });
});

describe("requests the HTTP parser itself refuses", () => {
  const host = () => `Host: ${new URL(gw.url).host}\r\n`;

  it.each([
    ["a CR LF smuggled into a header value", () => `GET /v1/purposes HTTP/1.1\r\n${host()}X-Request-Id: a\rX-Injected: 1\r\n\r\n`],
    ["a bare LF in a header value", () => `GET /v1/purposes HTTP/1.1\r\n${host()}X-Note: a\nX-Injected: 1\r\n\r\n`],
    ["a header name with a space", () => `GET /v1/purposes HTTP/1.1\r\n${host()}Bad Header: x\r\n\r\n`],
    ["a 100 KB header", () => `GET /v1/purposes HTTP/1.1\r\n${host()}X-Big: ${"a".repeat(100_000)}\r\n\r\n`],
    ["a 100 KB URL", () => `GET /v1/customers/${"a".repeat(100_000)} HTTP/1.1\r\n${host()}\r\n`],
    ["a request smuggling attempt", () => `POST /v1/auth/login HTTP/1.1\r\n${host()}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    ["garbage instead of HTTP", () => "\u0000\u0001HELLO\r\n\r\n"],
  ])("when the request has %s, then a 4xx problem+json comes back, never a 5xx", async (_name, bytes) => {
    const response = await sendBytes(gw.url, bytes());
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers["x-injected"]).toBeUndefined();
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ status: response.status, code: expect.any(String) });
  });
});

describe("hostile text that is valid data is stored and returned literally", () => {
  it("when names and references carry SQL, RTL marks, zero-width characters, emoji or NUL, then they round-trip verbatim or are refused, and every table survives", async () => {
    const payloads = [...SQL_INJECTIONS, "\u202Eeman\u202C", "a\u200Bb\u200D", "😀👨‍👩‍👧 Zoë", "a\u0000b", "line\r\nbreak", "<script>alert(1)</script>", "${jndi:ldap://x/a}"];
    for (const payload of payloads) {
      const dealer = await send(gw.url, { method: "POST", path: "/v1/admin/dealers", headers: { ...authFor("/v1/admin"), "Content-Type": "application/json" }, body: JSON.stringify({ name: payload, country: "FR" }) });
      expectSafe(`dealer named ${JSON.stringify(payload)}`, "/v1/admin/dealers", dealer);
      if (dealer.status === 201) {
        const read = await gw.http.get(`/v1/admin/dealers/${dealer.json!.id as string}`).auth(adminToken, { type: "bearer" }).expect(200);
        expect(read.body.name).toBe(payload.trim());
      }
      const customer = await send(gw.url, {
        method: "POST", path: "/v1/admin/customers", headers: { ...authFor("/v1/admin"), "Content-Type": "application/json" },
        body: JSON.stringify({ externalRef: `${payload}-${randomUUID().slice(0, 6)}`, name: { given: payload, family: payload } }),
      });
      expectSafe(`customer named ${JSON.stringify(payload)}`, "/v1/admin/customers", customer);
      if (customer.status === 201) {
        const read = await gw.http.get(`/v1/admin/customers/${customer.json!.id as string}`).auth(adminToken, { type: "bearer" }).expect(200);
        expect(read.body.name.given).toBe(payload);
      }
      const lookup = await send(gw.url, { method: "POST", path: "/v1/customers/lookup?purpose=service_delivery", headers: { ...authFor("/v1/customers"), "Content-Type": "application/json" }, body: JSON.stringify({ phone: payload }) });
      expectSafe(`lookup by ${JSON.stringify(payload)}`, "/v1/customers/lookup", lookup);
      expect(lookup.json?.matches ?? []).toEqual([]);
    }
    // Every table is still there and still answers.
    const counts = await rowCounts(gw, DATA_TABLES);
    expect(counts.customers).toBeGreaterThan(0);
    await createCustomer(gw);
    expect(await dealerToken(gw, access.credential)).toBeTruthy();
  });
});
