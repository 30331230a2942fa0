import { randomUUID } from "node:crypto";
import express from "express";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditLog } from "../src/audit/audit-log";
import { authenticate } from "../src/auth/authenticate";
import { DEALER_STRATEGY, registerStrategies } from "../src/auth/passport-strategies";
import { verifySecret } from "../src/auth/password";
import { errorHandler } from "../src/http/error-handler";
import { requestContext } from "../src/http/request-context";
import { createLogger } from "../src/ops/logger";
import { createCredential, createDealer, dealerToken, type CredentialBody } from "./support/fixtures";
import { startTestGateway, testKeys, type TestGateway } from "./support/gateway";
import { countRows } from "./support/db-state";

let gw: TestGateway;
let auth: { Authorization: string };
beforeAll(async () => {
  gw = await startTestGateway();
  auth = { Authorization: `Bearer ${await gw.adminToken()}` };
});
afterAll(async () => {
  await gw?.stop();
});

const count = (table: string) => countRows(gw, table);

function auditEventsOf(response: { headers: Record<string, string> }): Promise<{ action: string; status: number; dealer_id: string; detail: string }[]> {
  return gw.dataSource.query("SELECT action, status, dealer_id, detail FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]]);
}

function requestToken(credential: CredentialBody) {
  return gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: credential.clientSecret });
}

/**
 * The dealer API's bearer authentication, mounted on its own: proves that a token issued before a
 * revocation or suspension is refused by the very check every dealer route runs.
 */
function dealerBearerProbe() {
  const app = express();
  app.use(requestContext);
  const strategies = registerStrategies(gw.dataSource, testKeys(), gw.config);
  app.get("/probe", authenticate(strategies, DEALER_STRATEGY, createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey), (_req, _res, next) => next()), (req, res) => {
    res.json({ actor: req.ctx.actor });
  });
  app.use(errorHandler(createLogger("silent")));
  return (token: string) => supertest(app).get("/probe").auth(token, { type: "bearer" });
}

describe("issuing credentials", () => {
  it("when a credential is created, then the secret is shown once and only its scrypt hash is stored", async () => {
    const dealer = await createDealer(gw);
    const response = await gw.http.post(`/v1/admin/dealers/${dealer.id}/credentials`).set(auth).send({}).expect(201);
    const { clientId, clientSecret } = response.body;
    expect(response.body).toEqual({ clientId: expect.stringMatching(/^dlr_[0-9a-f]{24}$/), clientSecret: expect.any(String), createdAt: gw.clock.now.toISOString() });
    expect(Buffer.from(clientSecret, "base64url")).toHaveLength(32);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers.location).toBe(`/v1/admin/dealers/${dealer.id}/credentials/${clientId}`);

    const [row] = await gw.dataSource.query("SELECT secret_hash, dealer_id FROM dealer_credentials WHERE client_id = ?", [clientId]);
    expect(row.dealer_id).toBe(dealer.id);
    expect(row.secret_hash).toMatch(/^scrypt\$/);
    expect(row.secret_hash).not.toContain(clientSecret);
    expect(await verifySecret(clientSecret, row.secret_hash)).toBe(true);

    const events = await auditEventsOf(response);
    expect(events).toEqual([expect.objectContaining({ action: "credential.create", status: 201, dealer_id: dealer.id })]);
    expect(JSON.parse(events[0]!.detail)).toEqual({ clientId });
    expect(events[0]!.detail).not.toContain(clientSecret);

    const list = await gw.http.get(`/v1/admin/dealers/${dealer.id}/credentials`).set(auth).expect(200);
    const single = await gw.http.get(`/v1/admin/dealers/${dealer.id}/credentials/${clientId}`).set(auth).expect(200);
    for (const text of [list.text, single.text]) {
      expect(text).not.toContain(clientSecret);
      expect(text).not.toContain("scrypt");
      expect(text).not.toMatch(/secret/i);
    }
    expect(list.body).toEqual({
      items: [{ clientId, status: "active", createdAt: gw.clock.now.toISOString(), createdBy: expect.any(String), revokedAt: null, revokedBy: null }],
    });
  });

  it("when a credential is asked for an unknown dealer, then 404 and nothing is written", async () => {
    const before = [await count("dealer_credentials"), await count("audit_events")];
    await gw.http.post(`/v1/admin/dealers/${randomUUID()}/credentials`).set(auth).send({}).expect(404);
    expect([await count("dealer_credentials"), await count("audit_events")]).toEqual(before);
  });

  it.each([
    ["an unknown field", { clientSecret: "mine" }],
    ["a non-object body", [1, 2]],
  ])("when the credential body has %s, then 400 and nothing is written", async (_case, body) => {
    const dealer = await createDealer(gw);
    const before = [await count("dealer_credentials"), await count("audit_events")];
    const response = await gw.http.post(`/v1/admin/dealers/${dealer.id}/credentials`).set(auth).send(body).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect([await count("dealer_credentials"), await count("audit_events")]).toEqual(before);
  });

  it("when a credential is created without a body, then it is created", async () => {
    const dealer = await createDealer(gw);
    await gw.http.post(`/v1/admin/dealers/${dealer.id}/credentials`).set(auth).expect(201);
  });

  it("when the dealer id is not a UUID, then 400", async () => {
    await gw.http.post("/v1/admin/dealers/123/credentials").set(auth).send({}).expect(400);
  });
});

describe("revoking credentials", () => {
  it("when one of two credentials is revoked, then it can no longer get a token while the other still can", async () => {
    const dealer = await createDealer(gw);
    const first = await createCredential(gw, dealer.id);
    const second = await createCredential(gw, dealer.id);
    await dealerToken(gw, first);

    const response = await gw.http.delete(`/v1/admin/dealers/${dealer.id}/credentials/${first.clientId}`).set(auth).expect(204);
    const events = await auditEventsOf(response);
    expect(events).toEqual([expect.objectContaining({ action: "credential.revoke", status: 204, dealer_id: dealer.id })]);
    expect(JSON.parse(events[0]!.detail)).toEqual({ clientId: first.clientId });

    const refused = await requestToken(first).expect(401);
    expect(refused.body).toMatchObject({ error: "invalid_client" });
    expect(await dealerToken(gw, second)).toBeTruthy();

    const list = await gw.http.get(`/v1/admin/dealers/${dealer.id}/credentials`).set(auth).expect(200);
    const byId = Object.fromEntries(list.body.items.map((c: { clientId: string }) => [c.clientId, c]));
    expect(byId[first.clientId]).toMatchObject({ status: "revoked", revokedAt: gw.clock.now.toISOString(), revokedBy: expect.any(String) });
    expect(byId[second.clientId]).toMatchObject({ status: "active", revokedAt: null, revokedBy: null });
  });

  it("when a credential is revoked, then a token issued before stops working at once", async () => {
    const probe = dealerBearerProbe();
    const dealer = await createDealer(gw);
    const credential = await createCredential(gw, dealer.id);
    const token = await dealerToken(gw, credential);
    await probe(token).expect(200);
    await gw.http.delete(`/v1/admin/dealers/${dealer.id}/credentials/${credential.clientId}`).set(auth).expect(204);
    const refused = await probe(token).expect(401);
    const [event] = await gw.dataSource.query("SELECT reason FROM audit_events WHERE request_id = ?", [refused.headers["x-request-id"]]);
    expect(event.reason).toBe("credential_revoked");
  });

  it("when a credential of another dealer is revoked through this dealer, then 404 and it stays active", async () => {
    const mine = await createDealer(gw);
    const theirs = await createDealer(gw);
    const credential = await createCredential(gw, theirs.id);
    const before = await count("audit_events");
    await gw.http.delete(`/v1/admin/dealers/${mine.id}/credentials/${credential.clientId}`).set(auth).expect(404);
    await gw.http.get(`/v1/admin/dealers/${mine.id}/credentials/${credential.clientId}`).set(auth).expect(404);
    expect(await count("audit_events")).toBe(before);
    expect(await dealerToken(gw, credential)).toBeTruthy();
  });

  it("when a credential is revoked twice, then the second is a 409 that writes nothing", async () => {
    const dealer = await createDealer(gw);
    const credential = await createCredential(gw, dealer.id);
    await gw.http.delete(`/v1/admin/dealers/${dealer.id}/credentials/${credential.clientId}`).set(auth).expect(204);
    const before = await count("audit_events");
    expect((await gw.http.delete(`/v1/admin/dealers/${dealer.id}/credentials/${credential.clientId}`).set(auth).expect(409)).body.code).toBe("conflict");
    expect(await count("audit_events")).toBe(before);
  });

  it("when the client id is malformed, then 400; when it is unknown, then 404", async () => {
    const dealer = await createDealer(gw);
    await gw.http.delete(`/v1/admin/dealers/${dealer.id}/credentials/not-a-client`).set(auth).expect(400);
    await gw.http.delete(`/v1/admin/dealers/${dealer.id}/credentials/dlr_${"0".repeat(24)}`).set(auth).expect(404);
  });
});

describe("suspension and tokens", () => {
  it("when a dealer is suspended, then it cannot get a token and its earlier token is refused; reinstated, it can again", async () => {
    const probe = dealerBearerProbe();
    const dealer = await createDealer(gw);
    const credential = await createCredential(gw, dealer.id);
    const earlier = await dealerToken(gw, credential);
    expect((await probe(earlier).expect(200)).body.actor).toMatchObject({ type: "dealer", dealerId: dealer.id, id: credential.clientId });

    await gw.http.post(`/v1/admin/dealers/${dealer.id}/suspend`).set(auth).expect(200);
    expect((await requestToken(credential).expect(401)).body).toMatchObject({ error: "invalid_client" });
    const refused = await probe(earlier).expect(401);
    expect(refused.body.code).toBe("unauthorized");
    const [event] = await gw.dataSource.query("SELECT reason FROM audit_events WHERE request_id = ?", [refused.headers["x-request-id"]]);
    expect(event.reason).toBe("dealer_suspended");

    await gw.http.post(`/v1/admin/dealers/${dealer.id}/reinstate`).set(auth).expect(200);
    expect(await dealerToken(gw, credential)).toBeTruthy();
    await probe(earlier).expect(200);
  });
});
