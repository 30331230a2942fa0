import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, startTestGateway, type TestGateway } from "./support/gateway";
import { countRows } from "./support/db-state";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

const count = (table: string) => countRows(gw, table);

describe("operations endpoints", () => {
  it("when the process is up, then /healthz answers ok", async () => {
    await gw.http.get("/healthz").expect(200, { status: "ok" });
  });

  it("when migrations are applied, then /readyz is ready", async () => {
    await gw.http.get("/readyz").expect(200, { status: "ready" });
  });

  it("when /metrics is scraped, then it answers in Prometheus text format", async () => {
    const response = await gw.http.get("/metrics").expect(200);
    expect(response.headers["content-type"]).toMatch(/text\/plain/);
    expect(response.text).toContain("http_requests_total");
  });

  it("when any request is made, then the response carries X-Request-Id", async () => {
    const response = await gw.http.get("/healthz");
    expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("when a caller offers an X-Request-Id with a header injection, then it is replaced", async () => {
    const response = await gw.http.get("/healthz").set("X-Request-Id", "abc\tSet-Cookie: x=1");
    expect(response.headers["x-request-id"]).not.toContain("Set-Cookie");
    const clean = await gw.http.get("/healthz").set("X-Request-Id", "pos-42.req-7");
    expect(clean.headers["x-request-id"]).toBe("pos-42.req-7");
  });
});

describe("errors are problem+json", () => {
  it("when a route does not exist, then a 404 problem names the request id", async () => {
    const response = await gw.http.get("/nope").expect(404);
    expect(response.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 404, code: "not_found", title: "Not found", type: "/problems/not_found" });
    expect(response.body.requestId).toBe(response.headers["x-request-id"]);
  });

  it("when the body is malformed JSON, then 400 validation_failed and nothing is written", async () => {
    const before = await count("audit_events");
    const response = await gw.http.post("/v1/auth/login").set("Content-Type", "application/json").send('{"username": "admin",').expect(400);
    expect(response.body).toMatchObject({ code: "validation_failed", detail: "The body is not valid JSON" });
    expect(response.text).not.toMatch(/at .*\.ts/);
    expect(await count("audit_events")).toBe(before);
  });

  it("when the body is larger than the limit, then 413 and nothing is written", async () => {
    const before = await count("audit_events");
    const huge = JSON.stringify({ username: "admin", password: "x".repeat(200_000) });
    const response = await gw.http.post("/v1/auth/login").set("Content-Type", "application/json").send(huge).expect(413);
    expect(response.body.code).toBe("payload_too_large");
    expect(await count("audit_events")).toBe(before);
  });

  it("when the body has an unknown field, then 400 names it", async () => {
    const response = await gw.http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD, admin: true }).expect(400);
    expect(response.body.code).toBe("validation_failed");
    expect(JSON.stringify(response.body.errors)).toContain("admin");
  });
});

describe("admin login", () => {
  it("when the bootstrap admin signs in, then an admin-api token with all roles is issued and audited", async () => {
    const response = await gw.http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(200);
    expect(response.body).toMatchObject({ token_type: "Bearer", scope: "user_admin crm_admin compliance_auditor" });
    expect(response.body.expires_in).toBeGreaterThan(0);
    const events: { decision: string; status: number }[] = await gw.dataSource.query("SELECT decision, status FROM audit_events WHERE action = 'auth.login' AND request_id = ?", [response.headers["x-request-id"]]);
    expect(events).toEqual([{ decision: "allow", status: 200 }]);
  });

  it("when the password is wrong, then 401, no token, and a deny event", async () => {
    const response = await gw.http.post("/v1/auth/login").send({ username: "admin", password: "wrong-password-123" }).expect(401);
    expect(response.body.code).toBe("unauthorized");
    expect(response.body.access_token).toBeUndefined();
    const events: { decision: string; reason: string }[] = await gw.dataSource.query("SELECT decision, reason FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]]);
    expect(events).toEqual([{ decision: "deny", reason: "password_wrong" }]);
  });

  it("when the user does not exist, then the same 401 as a wrong password", async () => {
    const unknown = await gw.http.post("/v1/auth/login").send({ username: "ghost", password: "whatever-12345" }).expect(401);
    const wrong = await gw.http.post("/v1/auth/login").send({ username: "admin", password: "whatever-12345" }).expect(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
  });
});

describe("keys and tokens", () => {
  it("when the JWKS is fetched, then it publishes the ES256 key with its kid and no private part", async () => {
    const response = await gw.http.get("/.well-known/jwks.json").expect(200);
    expect(response.body.keys).toHaveLength(1);
    expect(response.body.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(response.body.keys[0].kid).toBeTruthy();
    expect(response.body.keys[0].d).toBeUndefined();
  });

  it("when an admin route is called without a token, then 401 and the refusal is audited", async () => {
    const response = await gw.http.get("/v1/purposes").expect(401);
    expect(response.body.code).toBe("unauthorized");
    const events: { action: string; reason: string }[] = await gw.dataSource.query("SELECT action, reason FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]]);
    expect(events).toEqual([{ action: "auth.bearer", reason: "token_missing" }]);
  });
});

describe("purposes", () => {
  it("when an admin lists purposes, then the four seeded purposes come with their default fields", async () => {
    const response = await gw.http.get("/v1/purposes").auth(await gw.adminToken(), { type: "bearer" }).expect(200);
    expect(response.body.items.map((p: { id: string }) => p.id)).toEqual(["in_store_experience", "record_accuracy", "relationship_management", "service_delivery"]);
    const service = response.body.items.find((p: { id: string }) => p.id === "service_delivery");
    expect(service.fields).toEqual(["name", "email", "phone", "preferredLanguage", "serviceOrders", "warranties"]);
  });
});

describe("sign-in throttling", () => {
  it("when one address exceeds the sign-in limit, then 429 with Retry-After, audited, and the limit is per window", async () => {
    const limited = await startTestGateway({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: "3" } });
    try {
      for (let i = 0; i < 3; i++) await limited.http.post("/v1/auth/login").send({ username: "admin", password: "wrong-password-123" }).expect(401);
      const refused = await limited.http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(429);
      expect(refused.body.code).toBe("rate_limited");
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      const events: { reason: string; status: number }[] = await limited.dataSource.query("SELECT reason, status FROM audit_events WHERE request_id = ?", [refused.headers["x-request-id"]]);
      expect(events).toEqual([{ reason: "rate_limited", status: 429 }]);
    } finally {
      await limited.stop();
    }
  });
});
