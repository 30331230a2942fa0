import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/ops/logger";
import { startGateway, type Gateway } from "../src/server";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { ADMIN_PASSWORD, TestClock, testKeys } from "./support/gateway";

/**
 * P3/P10: the logs are no place for personal data or secrets. A whole flow runs at LOG_LEVEL=debug
 * with the gateway's own logger writing into a buffer (and anything printed to the console caught
 * as well); afterwards not one distinctive value may appear in what was written.
 */
const logLines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString("utf8"));
    done();
  },
});

let database: TestDatabase;
let gateway: Gateway;
let dataDir: string;
let http: ReturnType<typeof supertest>;
const printed: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-logs-"));
  const config = loadConfig({
    DATABASE_URL: database.url, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "debug", DATA_DIR: dataDir, GATEWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
  });
  gateway = await startGateway(config, { keys: testKeys(), clock: new TestClock().read, logger: createLogger("debug", sink) });
  http = supertest(gateway.url);
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" ")));
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  await gateway?.stop();
  await database?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Values no log line may hold: every one is unique to this run. */
const SECRET = {
  given: "Zephyrine",
  family: "Quixotelle",
  email: "zephyrine.quixotelle@secret-example.org",
  phone: "+33612349876",
  changedPhone: "+33798761234",
  street: "17 Impasse Oubliette",
  birthDate: "1961-07-19",
  userPassword: "tr0ub4dor-and-3-horses",
};

describe("no personal data or secrets in the logs", () => {
  it("when a full flow runs at debug level, then no email, phone, name, address, password, client secret or token is logged", async () => {
    const login = await http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(200);
    const admin = login.body.access_token as string;
    const bearer = { Authorization: `Bearer ${admin}` };
    await http.post("/v1/admin/users").set(bearer).send({ username: "secondadmin", password: SECRET.userPassword, roles: ["crm_admin"] }).expect(201);
    const second = await http.post("/v1/auth/login").send({ username: "secondadmin", password: SECRET.userPassword }).expect(200);
    await http.post("/v1/auth/login").send({ username: "secondadmin", password: `${SECRET.userPassword}-wrong` }).expect(401);
    await http.post("/v1/auth/login").send({ username: SECRET.email, password: SECRET.userPassword }).expect(401);

    const dealer = await http.post("/v1/admin/dealers").set(bearer).send({ name: "Log Test Dealer", country: "FR" }).expect(201);
    const credential = await http.post(`/v1/admin/dealers/${dealer.body.id}/credentials`).set(bearer).send({}).expect(201);
    const { clientId, clientSecret } = credential.body as { clientId: string; clientSecret: string };
    await http.put(`/v1/admin/dealers/${dealer.body.id}/grants/service_delivery`).set(bearer).send({}).expect((r) => expect([200, 201]).toContain(r.status));
    const customer = await http.post("/v1/admin/customers").set(bearer).send({
      externalRef: "CRM-LOGS-1", name: { given: SECRET.given, family: SECRET.family }, email: SECRET.email, phone: SECRET.phone,
      postalAddress: { line1: SECRET.street, postalCode: "75002", city: "Paris", country: "FR" }, birthDate: SECRET.birthDate,
    }).expect(201);
    const customerId = customer.body.id as string;
    await http.post(`/v1/admin/customers/${customerId}/consents`).set(bearer)
      .send({ dealerId: dealer.body.id, purposes: ["service_delivery"], channel: "boutique", evidenceRef: "EV-LOGS", policyVersion: "2021-04" }).expect(201);

    const basic = await http.post("/oauth/token").auth(clientId, clientSecret).type("form").send({ grant_type: "client_credentials" }).expect(200);
    const posted = await http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }).expect(200);
    await http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: clientId, client_secret: `${clientSecret}x` }).expect(401);
    const dealerBearer = { Authorization: `Bearer ${basic.body.access_token as string}` };

    await http.get(`/v1/customers/${customerId}?purpose=service_delivery`).set(dealerBearer).expect(200);
    await http.post("/v1/customers/lookup?purpose=service_delivery").set(dealerBearer).send({ email: SECRET.email.toUpperCase() }).expect(200);
    await http.post("/v1/customers/lookup?purpose=service_delivery").set(dealerBearer).send({ phone: SECRET.phone }).expect(200);
    await http.post("/v1/customers/lookup?purpose=service_delivery").set(dealerBearer).send({ email: `${SECRET.family}@@invalid` }).expect(400);
    await http.post("/v1/customers/lookup?purpose=service_delivery").set(dealerBearer).set("Content-Type", "application/json").send(`{"email":"${SECRET.email}"`).expect(400);
    await http.get("/v1/customers?purpose=service_delivery").set(dealerBearer).expect(200);
    await http.get(`/v1/customers/${customerId}?purpose=service_delivery&email=${encodeURIComponent(SECRET.email)}`).set(dealerBearer).expect(400);

    await http.get(`/v1/admin/customers?email=${encodeURIComponent(SECRET.email)}`).set(bearer).expect(200);
    await http.get(`/v1/admin/customers/${customerId}`).set(bearer).expect(200);
    await http.patch(`/v1/admin/customers/${customerId}`).set(bearer).send({ phone: SECRET.changedPhone }).expect(200);
    await http.patch(`/v1/admin/customers/${customerId}`).set(bearer).send({ phone: `not a phone ${SECRET.given}` }).expect(400);
    await http.post("/v1/admin/customers").set(bearer).send({ externalRef: "CRM-LOGS-1", name: { given: SECRET.given, family: SECRET.family }, email: SECRET.email }).expect(409);
    await http.post("/v1/admin/customers/import").set(bearer).set("Content-Type", "application/x-ndjson")
      .send(`${JSON.stringify({ externalRef: "CRM-LOGS-2", name: { given: SECRET.given, family: SECRET.family }, email: `x${SECRET.email}` })}\n{"broken": ${SECRET.birthDate}\n`).expect(200);
    await http.get(`/v1/audit/events?customerId=${customerId}`).set(bearer).expect(200);
    await http.get(`/v1/audit/customers/${customerId}/report`).set(bearer).expect(200);
    await http.get("/v1/purposes").set("Authorization", `Bearer ${admin}x`).expect(401);
    await http.post(`/v1/admin/customers/${customerId}/erase`).set(bearer).send({}).expect(200);

    const forbidden: [string, string][] = [
      ["given name", SECRET.given], ["family name", SECRET.family], ["email", SECRET.email], ["email local part", "zephyrine.quixotelle"],
      ["phone", SECRET.phone], ["phone digits", SECRET.phone.slice(1)], ["changed phone", SECRET.changedPhone.slice(1)], ["street", SECRET.street],
      ["birth date", SECRET.birthDate], ["admin password", ADMIN_PASSWORD], ["user password", SECRET.userPassword], ["client secret", clientSecret],
      ["Basic credentials", Buffer.from(`${clientId}:${clientSecret}`).toString("base64")], ["admin token", admin], ["second admin token", second.body.access_token],
      ["dealer token", basic.body.access_token], ["posted dealer token", posted.body.access_token],
      ["a token's signature", (basic.body.access_token as string).split(".")[2]!], ["a token's claims", (admin as string).split(".")[1]!],
    ];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = logLines.join("") + printed.join("\n");
    expect(logLines.length).toBeGreaterThan(20);
    // Requests are logged by route template and ids: the dealer client that called, never the customer id it named.
    expect(written).toContain(clientId);
    expect(written).not.toContain(customerId);
    for (const [name, value] of forbidden) {
      expect(written.includes(value) || written.toLowerCase().includes(value.toLowerCase()), `${name} appears in the logs`).toBe(false);
    }
  });

  it("when paths, query strings and headers carry e-mails, phone numbers and names, then the request log holds route templates, ids and allowed headers only", async () => {
    const admin = (await http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(200)).body.access_token as string;
    const hostileHeaders = {
      "User-Agent": `${SECRET.given} ${SECRET.family}`, Referer: `https://crm.example/?email=${SECRET.email}`, "X-Customer-Phone": SECRET.phone, From: SECRET.email,
      "X-Forwarded-For": SECRET.email, Accept: `application/json; name=${SECRET.family}`, "Accept-Language": SECRET.street,
    };
    const written = () => logLines.join("");
    const before = logLines.length;
    const hostile = [
      http.get(`/v1/customers/${SECRET.email}?purpose=service_delivery&phone=${encodeURIComponent(SECRET.phone)}`).set("Authorization", "Bearer garbage"),
      http.get(`/v1/admin/customers/${encodeURIComponent(`${SECRET.given} ${SECRET.family}`)}`).set("Authorization", `Bearer ${admin}`),
      http.get(`/v1/admin/customers?email=${encodeURIComponent(SECRET.email)}`).set("Authorization", `Bearer ${admin}`),
      http.get(`/V1/ADMIN/CUSTOMERS/?email=${encodeURIComponent(SECRET.email)}`).set("Authorization", `Bearer ${admin}`),
      http.get(`/v1/nowhere/${encodeURIComponent(SECRET.phone)}/${SECRET.birthDate}?${SECRET.family}=${SECRET.given}`),
      http.post(`/v1/auth/login?user=${SECRET.email}`).set("Content-Type", `application/json; name=${SECRET.family}`).send(JSON.stringify({ username: SECRET.email, password: "x" })),
    ];
    for (const request of hostile) await request.set(hostileHeaders);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const lines = logLines.slice(before).join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
    const requests = lines.filter((line) => line.msg === "request completed");
    expect(requests.length).toBeGreaterThanOrEqual(hostile.length);
    expect(requests.map((line) => line.req.route)).toEqual(expect.arrayContaining(["GET /v1/customers/:id", "GET /v1/admin/customers/:id", "GET /v1/admin/customers", "unmatched", "POST /v1/auth/login"]));
    for (const line of requests) {
      expect(Object.keys(line.req).sort()).toEqual(["headers", "method", "remoteAddress", "route"]);
      expect(Object.keys(line.req.headers).every((name) => ["content-type", "content-length"].includes(name))).toBe(true);
      expect(line.req.remoteAddress).toMatch(/^[0-9a-f.:]+$/);
    }
    expect(requests.find((line) => line.req.method === "POST")?.req.headers).toEqual({ "content-type": "application/json", "content-length": expect.stringMatching(/^\d+$/) });
    const text = written().toLowerCase();
    for (const value of [SECRET.email, SECRET.given, SECRET.family, SECRET.phone.slice(1), SECRET.street, SECRET.birthDate, "crm.example", "garbage"]) {
      expect(text, value).not.toContain(value.toLowerCase());
    }
  });
});
