import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCustomer } from "./dealer-api.support";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";

/**
 * A dealer is one credential, whatever spelling of its client id it authenticates with: the token's
 * `sub`, the rate-limit buckets and the audit actor are the client id as stored. (A case-insensitive
 * database collation lets `DLR_…` or `dlr_… ` match the stored `dlr_…`; whether such a spelling is
 * accepted at all is the database comparison's business. Either way, it never becomes a second
 * identity.)
 */
let gw: TestGateway;
let access: DealerWithAccess;
const LIMIT = 3;

beforeAll(async () => {
  gw = await startTestGateway({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  access = await dealerWithAccess(gw);
});
afterAll(async () => {
  await gw?.stop();
});

const spellings = () => {
  const id = access.credential.clientId;
  return [id.toUpperCase(), `${id}   `, `${id.slice(0, 4).toUpperCase()}${id.slice(4)}`];
};

const requestToken = (clientId: string, clientSecret: string) =>
  gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret });

async function tokenActor(requestId: string): Promise<string> {
  const rows: { actor_id: string }[] = await gw.dataSource.query("SELECT actor_id FROM audit_events WHERE action = 'token.issue' AND request_id = ?", [requestId]);
  expect(rows).toHaveLength(1);
  return rows[0]!.actor_id;
}

describe("limits and audit key on the credential as stored", () => {
  it("when a client authenticates with another spelling of its id, then the token's sub and the audit actor are the stored id, or the spelling is refused", async () => {
    for (const spelling of spellings()) {
      const response = await requestToken(spelling, access.credential.clientSecret);
      const actor = await tokenActor(String(response.headers["x-request-id"]));
      if (response.status === 200) {
        expect((jwt.decode(response.body.access_token) as jwt.JwtPayload).sub).toBe(access.credential.clientId);
        expect(actor).toBe(access.credential.clientId);
      } else {
        expect(response.status).toBe(401);
        expect([access.credential.clientId, "anonymous"]).toContain(actor);
      }
    }
  });

  it("when a wrong secret comes with another spelling of a real id, then the refusal names the stored id or nobody, never the spelling", async () => {
    for (const spelling of spellings()) {
      const response = await requestToken(spelling, `${access.credential.clientSecret}x`).expect(401);
      expect([access.credential.clientId, "anonymous"]).toContain(await tokenActor(String(response.headers["x-request-id"])));
    }
  });

  it("when tokens obtained with different spellings are used, then they all spend one per-client allowance", async () => {
    const tokens = [access.token];
    for (const spelling of spellings()) {
      const response = await requestToken(spelling, access.credential.clientSecret);
      if (response.status === 200) tokens.push(response.body.access_token as string);
    }
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push((await readCustomer(gw, tokens[i % tokens.length]!, access.customer.id)).status);
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), 429]);
    const throttled: { actor_id: string }[] = await gw.dataSource.query("SELECT DISTINCT actor_id FROM audit_events WHERE action IN ('customer.read', 'dealer.throttle')");
    expect(throttled.map((row) => row.actor_id)).toEqual([access.credential.clientId]);
  });
});
