import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Response } from "supertest";
import { customerRecord, dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { sendBytes } from "./support/raw-http";
import { servedRoutes } from "./support/routes";

/**
 * P3 "leading measures": every response carries the browser-facing protections (HSTS, nosniff,
 * frame-ancestors, no X-Powered-By), and nothing carrying personal data, audit records or an error
 * about them may be stored by a browser or a shared cache.
 */
let gw: TestGateway;
let access: DealerWithAccess;
let admin: { Authorization: string };
let dealer: { Authorization: string };
beforeAll(async () => {
  gw = await startTestGateway();
  access = await dealerWithAccess(gw, "service_delivery");
  admin = { Authorization: `Bearer ${await gw.adminToken()}` };
  dealer = { Authorization: `Bearer ${access.token}` };
});
afterAll(async () => {
  await gw?.stop();
});

function expectProtections(what: string, response: Pick<Response, "headers">): void {
  const headers = response.headers;
  expect(headers["strict-transport-security"], what).toMatch(/max-age=(\d{8,}|[2-9]\d{7}|1[6-9]\d{6}|15[5-9]\d{5})/);
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["content-security-policy"], what).toMatch(/frame-ancestors '(none|self)'/);
  expect(headers["x-frame-options"], what).toMatch(/^(DENY|SAMEORIGIN)$/);
  expect(headers["referrer-policy"], what).toBe("no-referrer");
  expect(headers["x-powered-by"], what).toBeUndefined();
  expect(headers["x-request-id"], what).toBeTruthy();
}

describe("security headers", () => {
  it("when any GET route of the gateway is called, with or without a token, then every answer carries HSTS, nosniff, frame-ancestors and no X-Powered-By", async () => {
    const routes = servedRoutes(gw.gateway.server).filter((route) => route.method === "GET" && typeof route.path === "string");
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const path = route.path.replace(/:id\b/g, access.customer.id).replace(/:clientId\b/g, access.credential.clientId).replace(/:[A-Za-z]+/g, "x");
      const auth = path.startsWith("/v1/customers") || path.startsWith("/v1/consent-events") ? dealer : admin;
      expectProtections(`GET ${route.path} with a token`, await gw.http.get(`${path}?purpose=service_delivery`).set(auth));
      expectProtections(`GET ${route.path} without`, await gw.http.get(path));
    }
    expectProtections("an unknown route", await gw.http.get("/nowhere"));
  });
});

describe("Cache-Control: no-store wherever personal data or audit records travel", () => {
  const customerId = () => access.customer.id;
  const personal: [string, () => Promise<Response>][] = [
    ["a dealer read", () => gw.http.get(`/v1/customers/${customerId()}?purpose=service_delivery`).set(dealer)],
    ["a dealer lookup", () => gw.http.post("/v1/customers/lookup?purpose=service_delivery").set(dealer).send({ email: access.customer.email })],
    ["a dealer list", () => gw.http.get("/v1/customers?purpose=service_delivery").set(dealer)],
    ["the consent-events feed", () => gw.http.get("/v1/consent-events").set(dealer)],
    ["a dealer 404", () => gw.http.get("/v1/customers/00000000-0000-4000-8000-000000000000?purpose=service_delivery").set(dealer)],
    ["a dealer 400", () => gw.http.get(`/v1/customers/${customerId()}`).set(dealer)],
    ["a dealer 401", () => gw.http.get(`/v1/customers/${customerId()}?purpose=service_delivery`)],
    ["an admin customer read", () => gw.http.get(`/v1/admin/customers/${customerId()}`).set(admin)],
    ["an admin customer search", () => gw.http.get(`/v1/admin/customers?externalRef=${encodeURIComponent(access.customer.externalRef)}`).set(admin)],
    ["an admin customer create", () => gw.http.post("/v1/admin/customers").set(admin).send(customerRecord())],
    ["an admin customer patch", () => gw.http.patch(`/v1/admin/customers/${customerId()}`).set(admin).send({ preferredLanguage: "fr-CH" })],
    ["an admin customer's consents", () => gw.http.get(`/v1/admin/customers/${customerId()}/consents`).set(admin)],
    ["an admin 404", () => gw.http.get("/v1/admin/customers/00000000-0000-4000-8000-000000000000").set(admin)],
    ["an access check", () => gw.http.post("/v1/admin/access-check").set(admin).send({ dealerId: access.dealer.id, customerId: customerId(), purpose: "service_delivery" })],
    ["the audit events", () => gw.http.get(`/v1/audit/events?customerId=${customerId()}`).set(admin)],
    ["the audit CSV export", () => gw.http.get(`/v1/audit/events?customerId=${customerId()}`).set(admin).set("Accept", "text/csv")],
    ["a data-subject report", () => gw.http.get(`/v1/audit/customers/${customerId()}/report`).set(admin)],
    ["a dealer token", () => gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: access.credential.clientId, client_secret: access.credential.clientSecret })],
    ["an admin login", () => gw.http.post("/v1/auth/login").send({ username: "admin", password: "wrong" })],
  ];

  it.each(personal)("when %s is answered, then it says Cache-Control: no-store", async (what, request) => {
    const response = await request();
    expect(response.status, response.text).toBeLessThan(500);
    expect(response.headers["cache-control"], what).toBe("no-store");
    expectProtections(what, response);
  });

  it("when the public signing keys are fetched, then they may be cached, as they hold nothing personal", async () => {
    const response = await gw.http.get("/.well-known/jwks.json").expect(200);
    expect(response.headers["cache-control"]).toMatch(/^public, max-age=\d+$/);
  });

  it("when the HTTP parser refuses a request, then its answer still says nosniff and no-store", async () => {
    const response = await sendBytes(gw.url, `GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n`);
    expect(response.status).toBe(400);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["cache-control"]).toBe("no-store");
  });
});
