import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { captureLogs, type CapturedLogs } from "./support/log-capture";
import { NASTY_BODIES, NASTY_VALUES, type NastyValue } from "./support/nasty-inputs";
import { send, type RawRequest, type RawResponse } from "./support/raw-http";
import { fill, isDealerApi, paramNames, servedRoutes, type ServedRoute } from "./support/routes";

/**
 * The same hostile inputs (test/support/nasty-inputs.ts, and personal data) against every route the
 * gateway serves, without a credential and with the right one: in each path parameter, in the query
 * string, in headers and, where a route takes one, as the body. Whatever arrives: never a 5xx, nothing
 * of it in the audit log or the request log, and the audit log grows by a bounded amount.
 */
vi.setConfig({ testTimeout: 300_000 });

/** Personal data a caller might put anywhere; none of it may be written down. */
const PERSONAL = [
  { name: "e-mail", value: "wolfgangine.quaxley@secret-example.org" },
  { name: "phone", value: "+33698761234" },
  { name: "name", value: "Wolfgangine Quaxley" },
];
const INPUTS: NastyValue[] = [...NASTY_VALUES, ...PERSONAL];

/** What must never be found in what the gateway wrote: each distinctive input, as sent and decoded. */
function traces(): string[] {
  const found = new Set<string>();
  for (const input of INPUTS) {
    const decoded = (() => {
      try {
        return input.raw ? decodeURIComponent(input.value) : input.value;
      } catch {
        return input.value;
      }
    })();
    for (const text of [input.value, decoded]) {
      // Short or common values ("-1", "%", "1e999") could appear for other reasons; long ones are cut to a probe.
      if (text.length >= 8 && !/^[\d.e+-]+$/.test(text)) found.add(text.slice(0, 40).toLowerCase());
    }
  }
  for (const { value } of PERSONAL) found.add(value.split("@")[0]!.toLowerCase()).add(value.slice(1).toLowerCase());
  return [...found];
}

/** Header values must be visible ASCII; others travel percent-encoded, still distinctive. */
const asHeader = (value: string) => (/^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value));
const asSegment = (input: NastyValue) => (input.raw ? input.value : encodeURIComponent(input.value));

let gw: TestGateway;
let logs: CapturedLogs;
let access: DealerWithAccess;
let adminToken: string;
let routes: ServedRoute[];

beforeAll(async () => {
  logs = captureLogs("info");
  // The abuse limits as shipped, so that the unauthenticated flood meets them as it would in production.
  gw = await startTestGateway({ logger: logs.logger, env: { AUTH_FAILURE_RATE_LIMIT_PER_MINUTE: "60", AUDIT_REFUSALS_SINGLY_PER_WINDOW: "10", TOKEN_RATE_LIMIT_PER_MINUTE: "120", LOGIN_RATE_LIMIT_PER_MINUTE: "20" } });
  adminToken = await gw.adminToken();
  access = await dealerWithAccess(gw);
  routes = servedRoutes(gw.gateway.server).filter((route) => route.path.startsWith("/"));
});
afterAll(async () => {
  await gw?.stop();
});

function credentialFor(route: ServedRoute): Record<string, string> {
  if (!route.path.startsWith("/v1/") || route.path === "/v1/auth/login") return {};
  return { Authorization: `Bearer ${isDealerApi(route.path) ? access.token : adminToken}` };
}

/** Every hostile request for one route: the input in each path parameter (or appended to the path), the query and headers; then each hostile body. */
function hostileRequests(route: ServedRoute, authenticated: boolean): RawRequest[] {
  const auth = authenticated ? credentialFor(route) : {};
  const params = paramNames(route.path);
  const requests: RawRequest[] = INPUTS.map((input) => {
    const path = params.length > 0 ? fill(route.path, Object.fromEntries(params.map((name) => [name, asSegment(input)])), true) : route.path;
    const query = `?${isDealerApi(route.path) ? "purpose=service_delivery&" : ""}q=${asSegment(input)}`;
    const headers = { ...auth, "X-Note": asHeader(input.value), "User-Agent": asHeader(input.value), Referer: `https://crm.example/${encodeURIComponent(input.value)}`, "Content-Type": "application/json" };
    return { method: route.method, path: path + query, headers, body: route.method === "GET" ? undefined : JSON.stringify({ note: input.value }) };
  });
  if (route.method === "GET") return requests;
  const path = params.length > 0 ? fill(route.path, Object.fromEntries(params.map((name) => [name, PERSONAL[0]!.value]))) : route.path;
  return [...requests, ...NASTY_BODIES.map((nasty) => ({
    method: route.method, path: `${path}${isDealerApi(route.path) ? "?purpose=service_delivery" : ""}`, headers: { ...auth, "Content-Type": nasty.contentType, ...nasty.headers }, body: nasty.body,
  }))];
}

async function sendAll(requests: RawRequest[]): Promise<{ request: RawRequest; response: RawResponse }[]> {
  const answered: { request: RawRequest; response: RawResponse }[] = [];
  for (let i = 0; i < requests.length; i += 8) {
    const batch = requests.slice(i, i + 8);
    const responses = await Promise.all(batch.map((request) => send(gw.url, request)));
    responses.forEach((response, j) => answered.push({ request: batch[j]!, response }));
  }
  return answered;
}

/** Every stored audit value as text, JSON re-serialised so escaping cannot hide a value. */
async function auditText(): Promise<{ rows: number; text: string; largest: number }> {
  const rows: Record<string, unknown>[] = await gw.dataSource.query("SELECT * FROM audit_events");
  const texts = rows.map((row) => Object.values(row).map((value) => {
    if (typeof value !== "string") return String(value);
    try {
      return JSON.stringify(JSON.parse(value));
    } catch {
      return value;
    }
  }).join("\u0000"));
  return { rows: rows.length, text: texts.join("\n").toLowerCase(), largest: Math.max(...texts.map((text) => Buffer.byteLength(text))) };
}

function expectNoServerError(answered: { request: RawRequest; response: RawResponse }[]): void {
  const failures = answered.filter(({ response }) => response.status >= 500).map(({ request, response }) => `${request.method} ${request.path.slice(0, 80)}: ${response.status} ${response.text.slice(0, 120)}`);
  expect(failures).toEqual([]);
}

describe("hostile input on every route", () => {
  it("when the inputs arrive without a credential, then never a 5xx, and the audit log grows by a bounded number of small rows", async () => {
    const before = await auditText();
    const requests = routes.flatMap((route) => hostileRequests(route, false));
    expect(requests.length).toBeGreaterThan(1000);
    const answered = await sendAll(requests);
    expectNoServerError(answered);
    expect(answered.filter(({ response }) => response.status === 429).length).toBeGreaterThan(0);
    const after = await auditText();
    // Refusals of a kind past the first ten of a window are counted, not written; the kinds are few.
    console.info(`${requests.length} unauthenticated hostile requests added ${after.rows - before.rows} audit rows; largest row ${after.largest} bytes`);
    expect(after.rows - before.rows).toBeLessThan(200);
    expect(after.largest).toBeLessThan(2048);
  });

  it("when the inputs arrive with a valid credential, then never a 5xx, and at most one small audit row per request", async () => {
    const before = await auditText();
    const requests = routes.flatMap((route) => hostileRequests(route, true));
    const answered = await sendAll(requests);
    expectNoServerError(answered);
    const after = await auditText();
    console.info(`${requests.length} authenticated hostile requests added ${after.rows - before.rows} audit rows; largest row ${after.largest} bytes`);
    expect(after.rows - before.rows).toBeLessThanOrEqual(requests.length);
    expect(after.largest).toBeLessThan(4096);
  });

  it("then nothing of the inputs is in the audit log or the request log", async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const audit = (await auditText()).text;
    const logged = logs.text().toLowerCase();
    expect(logs.entries().filter((line) => line.msg === "request completed").length).toBeGreaterThan(2000);
    for (const trace of traces()) {
      expect(audit.includes(trace), `audit log holds ${JSON.stringify(trace)}`).toBe(false);
      expect(logged.includes(trace), `logs hold ${JSON.stringify(trace)}`).toBe(false);
    }
  });
});
