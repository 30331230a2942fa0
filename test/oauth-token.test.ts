import { randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens";
import { createCredential, createDealer, putGrant, type CredentialBody, type DealerBody } from "./support/fixtures";
import { startTestGateway, testKeys, type TestGateway } from "./support/gateway";

let gw: TestGateway;
let dealer: DealerBody;
let credential: CredentialBody;

beforeAll(async () => {
  gw = await startTestGateway();
  dealer = await createDealer(gw, { country: "FR" });
  credential = await createCredential(gw, dealer.id);
  await putGrant(gw, dealer.id, "service_delivery");
  await putGrant(gw, dealer.id, "in_store_experience");
});
afterAll(async () => {
  await gw?.stop();
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

async function tokenEvents(requestId: string | undefined): Promise<{ decision: string; reason: string | null; actor_type: string; actor_id: string }[]> {
  return gw.dataSource.query("SELECT decision, reason, actor_type, actor_id FROM audit_events WHERE action = 'token.issue' AND request_id = ?", [requestId]);
}

describe("POST /oauth/token (RFC 6749 §4.4 client credentials)", () => {
  it("when the client authenticates with client_secret_basic, then an ES256 dealer-api token with kid and purpose scopes is issued", async () => {
    const response = await gw.http.post("/oauth/token").set("Authorization", basic(credential.clientId, credential.clientSecret)).type("form").send({ grant_type: "client_credentials" }).expect(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.body).toMatchObject({ token_type: "Bearer", scope: "purpose:in_store_experience purpose:service_delivery" });
    expect(response.body.expires_in).toBeLessThanOrEqual(900);
    const decoded = jwt.decode(response.body.access_token, { complete: true })!;
    const jwks = (await gw.http.get("/.well-known/jwks.json")).body.keys as { kid: string }[];
    expect(decoded.header).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    expect(jwks.map((key) => key.kid)).toContain(decoded.header.kid);
    const claims = decoded.payload as jwt.JwtPayload;
    expect(claims).toMatchObject({ aud: "dealer-api", iss: "dealer-gateway", sub: credential.clientId, dealer_id: dealer.id });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(900);
    expect(await tokenEvents(response.headers["x-request-id"])).toEqual([{ decision: "allow", reason: null, actor_type: "dealer", actor_id: credential.clientId }]);
  });

  it("when the client authenticates with client_secret_post, then a token is issued", async () => {
    const response = await gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: credential.clientSecret }).expect(200);
    expect(response.body.access_token).toBeTruthy();
  });

  it("when the client asks for fewer purposes, then the token carries only those", async () => {
    const response = await gw.http.post("/oauth/token").type("form")
      .send({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: credential.clientSecret, scope: "purpose:service_delivery" }).expect(200);
    expect(response.body.scope).toBe("purpose:service_delivery");
  });

  it("when the client asks for a purpose it does not hold, then 400 invalid_scope and no token", async () => {
    const response = await gw.http.post("/oauth/token").type("form")
      .send({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: credential.clientSecret, scope: "purpose:record_accuracy" }).expect(400);
    expect(response.body).toEqual({ error: "invalid_scope", error_description: expect.any(String) });
    expect(await tokenEvents(response.headers["x-request-id"])).toEqual([expect.objectContaining({ decision: "deny", reason: "scope_not_held" })]);
  });

  it("when the secret is wrong or the client unknown, then the same 401 invalid_client with a Basic challenge", async () => {
    const wrong = await gw.http.post("/oauth/token").set("Authorization", basic(credential.clientId, "not-the-secret")).type("form").send({ grant_type: "client_credentials" }).expect(401);
    const unknown = await gw.http.post("/oauth/token").set("Authorization", basic("dlr_000000000000000000000000", "whatever")).type("form").send({ grant_type: "client_credentials" }).expect(401);
    expect(wrong.body).toEqual({ error: "invalid_client", error_description: "Client authentication failed" });
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers["www-authenticate"]).toMatch(/^Basic/);
    expect(await tokenEvents(wrong.headers["x-request-id"])).toEqual([expect.objectContaining({ decision: "deny", reason: "secret_wrong", actor_id: credential.clientId })]);
    expect(await tokenEvents(unknown.headers["x-request-id"])).toEqual([expect.objectContaining({ decision: "deny", reason: "credential_unknown", actor_id: "anonymous" })]);
  });

  it("when the client id differs only in letter case or by a trailing space, then 401 invalid_client and no token, by Basic and by post", async () => {
    for (const clientId of [credential.clientId.toUpperCase(), `${credential.clientId} `, `${credential.clientId.toUpperCase()}  `]) {
      const byBasic = await gw.http.post("/oauth/token").set("Authorization", basic(clientId, credential.clientSecret)).type("form").send({ grant_type: "client_credentials" }).expect(401);
      const byPost = await gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: clientId, client_secret: credential.clientSecret }).expect(401);
      for (const response of [byBasic, byPost]) {
        expect(response.body, JSON.stringify(clientId)).toEqual({ error: "invalid_client", error_description: "Client authentication failed" });
        expect(await tokenEvents(response.headers["x-request-id"])).toEqual([expect.objectContaining({ decision: "deny", reason: "credential_unknown", actor_id: "anonymous" })]);
      }
    }
  });

  it("when a validly signed token names the client id in another letter case or with a trailing space, then the dealer API refuses it", async () => {
    for (const sub of [credential.clientId.toUpperCase(), `${credential.clientId} `]) {
      const forged = issueToken(testKeys(), gw.config.JWT_ISSUER, "dealer-api", { sub, scope: "purpose:service_delivery", dealer_id: dealer.id }, 300).access_token;
      await gw.http.get(`/v1/customers/${randomUUID()}`).query({ purpose: "service_delivery" }).auth(forged, { type: "bearer" }).expect(401);
      await gw.http.get("/v1/consent-events").auth(forged, { type: "bearer" }).expect(401);
    }
  });

  it("when no client authentication is given, then 401 invalid_client", async () => {
    const response = await gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials" }).expect(401);
    expect(response.body.error).toBe("invalid_client");
  });

  it("when two authentication methods are used at once, then 400 invalid_request", async () => {
    const response = await gw.http.post("/oauth/token").set("Authorization", basic(credential.clientId, credential.clientSecret)).type("form")
      .send({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: credential.clientSecret }).expect(400);
    expect(response.body.error).toBe("invalid_request");
  });

  it("when grant_type is missing or another grant, then invalid_request or unsupported_grant_type", async () => {
    const auth = basic(credential.clientId, credential.clientSecret);
    expect((await gw.http.post("/oauth/token").set("Authorization", auth).type("form").send({}).expect(400)).body.error).toBe("invalid_request");
    expect((await gw.http.post("/oauth/token").set("Authorization", auth).type("form").send({ grant_type: "password" }).expect(400)).body.error).toBe("unsupported_grant_type");
  });

  it("when a parameter is repeated or not a string, then invalid_request and no token", async () => {
    const response = await gw.http.post("/oauth/token").set("Authorization", basic(credential.clientId, credential.clientSecret))
      .type("form").send("grant_type=client_credentials&grant_type=client_credentials").expect(400);
    expect(response.body.error).toBe("invalid_request");
  });

  it("when the Basic header is malformed, then 401 invalid_client, not a 500", async () => {
    for (const header of ["Basic", "Basic !!!", `Basic ${Buffer.from("no-colon").toString("base64")}`]) {
      const response = await gw.http.post("/oauth/token").set("Authorization", header).type("form").send({ grant_type: "client_credentials" });
      expect([400, 401]).toContain(response.status);
      expect(response.body.error).toMatch(/invalid_client|invalid_request/);
    }
  });
});
