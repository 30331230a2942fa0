import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { theAuditOf, readCustomer } from "./dealer-api.support";
import { createCredential, dealerToken, dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";

let gw: TestGateway;
let access: DealerWithAccess;
beforeAll(async () => {
  gw = await startTestGateway({ env: { RATE_LIMIT_PER_MINUTE: "3" } });
  access = await dealerWithAccess(gw);
});
afterAll(async () => {
  await gw?.stop();
});

describe("per-client rate limit on the dealer API", () => {
  it("when a client exceeds its limit, then 429 problem+json with Retry-After, audited, and no data", async () => {
    for (let i = 0; i < 3; i++) await readCustomer(gw, access.token, access.customer.id).expect(200);
    const refused = await readCustomer(gw, access.token, access.customer.id).expect(429);
    expect(refused.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: "rate_limited", status: 429 });
    expect(refused.body.data).toBeUndefined();
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(await theAuditOf(gw, refused)).toMatchObject({ action: "dealer.throttle", decision: "deny", reason: "rate_limited", status: 429, actor_id: access.credential.clientId });
  });

  it("when another credential calls, then it has its own allowance: the limit is keyed on the verified client", async () => {
    const second = await createCredential(gw, access.dealer.id);
    const token = await dealerToken(gw, second);
    await readCustomer(gw, token, access.customer.id).expect(200);
  });

  it("when the token is invalid, then the call is refused 401 before it counts against anyone", async () => {
    const response = await readCustomer(gw, "not-a-token", access.customer.id).expect(401);
    expect(response.body.code).toBe("unauthorized");
  });
});
