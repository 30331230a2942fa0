import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { problems } from "../src/http/problem";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { ADMIN_PASSWORD, startTestGateway, type TestGateway } from "./support/gateway";

/**
 * Contract 1.4 for what dealer-api.fail-closed.test.ts does not reach: tokens issued or refused,
 * sign-ins and throttling. When their audit event cannot be written, nobody gets a token, and a
 * refusal is a 503 rather than a silent 401 or 429.
 */
const failing = new Set<string>();
let gw: TestGateway;
let access: DealerWithAccess;
beforeAll(async () => {
  gw = await startTestGateway({
    env: { LOOKUP_RATE_LIMIT_PER_MINUTE: "1" },
    audit: (real) => ({
      record: async (input, manager) => {
        if (failing.has(input.action)) throw problems.unavailable("The audit log cannot be written, so the request was not carried out");
        return real.record(input, manager);
      },
    }),
  });
  access = await dealerWithAccess(gw);
});
afterEach(() => failing.clear());
afterAll(async () => {
  await gw?.stop();
});

const tokenRequest = (secret = access.credential.clientSecret) =>
  gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: access.credential.clientId, client_secret: secret });

function expectUnavailable(response: { status: number; body: Record<string, unknown>; text: string }): void {
  expect(response.status, response.text).toBe(503);
  expect(response.body.access_token).toBeUndefined();
  expect(response.text).not.toContain("eyJ");
}

describe("when the audit event of an authentication step cannot be written", () => {
  it("then the token endpoint issues no token, and issues again once the audit log recovers", async () => {
    failing.add("token.issue");
    expectUnavailable(await tokenRequest());
    expectUnavailable(await tokenRequest("wrong-secret"));
    failing.clear();
    expect((await tokenRequest()).status).toBe(200);
  });

  it("then an admin sign-in yields no token, right or wrong password", async () => {
    failing.add("auth.login");
    expectUnavailable(await gw.http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }));
    expectUnavailable(await gw.http.post("/v1/auth/login").send({ username: "admin", password: "wrong" }));
  });

  it("then a refused bearer token is a 503, not an unrecorded 401", async () => {
    failing.add("auth.bearer");
    expectUnavailable(await gw.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth("not-a-token", { type: "bearer" }));
    expectUnavailable(await gw.http.get("/v1/purposes").auth("not-a-token", { type: "bearer" }));
  });

  it("then a throttled lookup is a 503 with no matches, not an unrecorded 429", async () => {
    const lookup = () => gw.http.post("/v1/customers/lookup?purpose=service_delivery").auth(access.token, { type: "bearer" }).send({ email: access.customer.email });
    expect((await lookup()).status).toBe(200);
    failing.add("customer.lookup");
    const refused = await lookup();
    expectUnavailable(refused);
    expect(refused.body.matches).toBeUndefined();
  });
});
