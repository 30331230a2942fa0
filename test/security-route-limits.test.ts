import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCredential, dealerWithAccess, type CredentialBody, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { captureLogs, type CapturedLogs } from "./support/log-capture";
import { send, type RawResponse } from "./support/raw-http";
import { fill, isDealerApi, servedRoutes, type ServedRoute } from "./support/routes";

/**
 * Limits follow the route express matched, not the characters of the path: express matches paths
 * regardless of case and of one trailing slash, so every such spelling of every route must spend the
 * same allowance as the documented one. Each limit below is set to a small number; a route's
 * spellings, taken in turn, spend it exactly, and the next request is refused 429.
 */
vi.setConfig({ testTimeout: 120_000 });

const SPELLINGS: [string, (path: string) => string][] = [
  ["as documented", (path) => path],
  ["in upper case", (path) => literalSegments(path, (segment) => segment.toUpperCase())],
  ["capitalised", (path) => literalSegments(path, (segment) => segment.charAt(0).toUpperCase() + segment.slice(1))],
  ["with a trailing slash", (path) => `${path}/`],
  ["in upper case with a trailing slash", (path) => `${literalSegments(path, (segment) => segment.toUpperCase())}/`],
];

/** The template with its literal segments respelled and its parameters left alone. */
function literalSegments(template: string, respell: (segment: string) => string): string {
  return template.split("/").map((segment) => (segment.startsWith(":") ? segment : respell(segment))).join("/");
}

const LIMIT = SPELLINGS.length;
const DEALER_LIMIT = 2 * LIMIT;

let gw: TestGateway;
let logs: CapturedLogs;
let access: DealerWithAccess;
let routes: ServedRoute[];
let addresses = 0;
/** A fresh client address (the gateway trusts X-Forwarded-For from loopback), so each route starts with a full allowance. */
const freshAddress = () => `10.77.${Math.floor(++addresses / 250)}.${addresses % 250 + 1}`;

beforeAll(async () => {
  logs = captureLogs();
  gw = await startTestGateway({
    logger: logs.logger,
    env: {
      RATE_LIMIT_PER_MINUTE: String(DEALER_LIMIT), LOOKUP_RATE_LIMIT_PER_MINUTE: String(LIMIT), TOKEN_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      LOGIN_RATE_LIMIT_PER_MINUTE: String(LIMIT), AUTH_FAILURE_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    },
  });
  access = await dealerWithAccess(gw);
  routes = servedRoutes(gw.gateway.server).filter((route) => route.path.startsWith("/"));
});
afterAll(async () => {
  await gw?.stop();
});

const needsCredential = (path: string) => isDealerApi(path) || (path.startsWith("/v1/") && path !== "/v1/auth/login");

/** A spelling of the route's template filled in, with ids that exist where the dealer API needs them. */
const pathOf = (route: ServedRoute, spelled: string) =>
  fill(spelled, { id: route.path.startsWith("/v1/customers") ? access.customer.id : randomUUID(), clientId: "dlr_0", purpose: "service_delivery", deliveryId: "1" });
const query = (template: string) => (isDealerApi(template) ? "?purpose=service_delivery" : "");

async function tokenFor(credential: CredentialBody): Promise<string> {
  const response = await gw.http.post("/oauth/token").set("X-Forwarded-For", freshAddress()).type("form")
    .send({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: credential.clientSecret }).expect(200);
  return response.body.access_token as string;
}

/**
 * Spends `limit` requests on the route, cycling through its spellings, and expects every one of them
 * to have reached the route (not 404, not yet 429); then one more, in any spelling, is refused 429.
 */
async function expectSpellingsShareOneLimit(route: ServedRoute, limit: number, request: (path: string) => Promise<RawResponse>): Promise<void> {
  const what = `${route.method} ${route.path}`;
  for (let i = 0; i < limit; i++) {
    const [name, respell] = SPELLINGS[i % SPELLINGS.length]!;
    const response = await request(respell(route.path));
    expect(response.status, `${what} ${name}: ${response.text.slice(0, 200)}`).not.toBe(404);
    expect(response.status, `${what} ${name}`).not.toBe(429);
  }
  for (const [name, respell] of SPELLINGS) {
    const response = await request(respell(route.path));
    expect(response.status, `${what} ${name}, past the limit`).toBe(429);
    expect(response.json?.code ?? response.json?.error).toBeDefined();
  }
}

describe("every spelling of every route meets that route's limits", () => {
  it("when a route's path is respelled in case or with a trailing slash, then it still reaches the route", () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((route) => isDealerApi(route.path)).length).toBeGreaterThanOrEqual(5);
  });

  it("when a dealer spells dealer-API paths differently, then every spelling counts against its per-client limit, and lookups against the lookup limit", async () => {
    for (const route of routes.filter((candidate) => isDealerApi(candidate.path))) {
      const token = await tokenFor(await createCredential(gw, access.dealer.id));
      const isLookup = route.method === "POST" && route.path === "/v1/customers/lookup";
      await expectSpellingsShareOneLimit(route, isLookup ? LIMIT : DEALER_LIMIT, (path) => send(gw.url, {
        method: route.method, path: pathOf(route, path) + query(route.path),
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: route.method === "GET" ? undefined : JSON.stringify(isLookup ? { email: `guess-${randomUUID()}@example.com` } : {}),
      }));
    }
  });

  it("when the token and sign-in endpoints are respelled, then every spelling counts against the address's limit", async () => {
    for (const route of routes.filter((candidate) => candidate.path === "/oauth/token" || candidate.path === "/v1/auth/login")) {
      const address = freshAddress();
      await expectSpellingsShareOneLimit(route, LIMIT, (path) => route.path === "/oauth/token"
        ? send(gw.url, { method: "POST", path, headers: { "X-Forwarded-For": address, "Content-Type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials&client_id=dlr_nobody&client_secret=wrong" })
        : send(gw.url, { method: "POST", path, headers: { "X-Forwarded-For": address, "Content-Type": "application/json" }, body: JSON.stringify({ username: `nobody-${randomUUID()}`, password: "wrong-password-123" }) }));
    }
  });

  it("when a route that needs a credential is called without one in any spelling, then every refusal counts against the address's limit", async () => {
    const guarded = routes.filter((route) => needsCredential(route.path));
    expect(guarded.length).toBeGreaterThan(30);
    for (const route of guarded) {
      const address = freshAddress();
      await expectSpellingsShareOneLimit(route, LIMIT, (path) => send(gw.url, {
        method: route.method, path: pathOf(route, path) + query(route.path), headers: { "X-Forwarded-For": address, Authorization: "Bearer not-a-token", "Content-Type": "application/json" },
        body: route.method === "GET" ? undefined : "{}",
      }));
    }
  });

  it("when any spelling of any route is requested, then the request log names the route's template, the one the limits key on", async () => {
    let n = 0;
    const sent = new Map<string, string>();
    for (const route of routes) {
      for (const [, respell] of SPELLINGS) {
        const requestId = `walk-${++n}`;
        sent.set(requestId, `${route.method} ${route.path}`);
        await send(gw.url, { method: route.method, path: pathOf(route, respell(route.path)), headers: { "X-Forwarded-For": freshAddress(), "X-Request-Id": requestId } });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const logged = new Map(logs.entries().filter((line) => typeof line.reqId === "string" && sent.has(line.reqId)).map((line) => [line.reqId as string, (line.req as { route: string }).route]));
    expect(logged).toEqual(sent);
  });

  it("when a path is spelled so that no route matches (a doubled slash, a percent-encoded letter), then it is a 404 and serves nothing", async () => {
    const token = await tokenFor(access.credential);
    for (const path of ["/v1//customers/lookup", "//v1/customers/lookup", "/v1/customers/%6Cookup", "/v1/customers/lookup//"]) {
      const response = await send(gw.url, {
        method: "POST", path: `${path}?purpose=service_delivery`, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ email: access.customer.email }),
      });
      expect(response.status, path).toBe(404);
      expect(response.json?.matches, path).toBeUndefined();
    }
  });
});
