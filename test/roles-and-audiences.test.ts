import { generateKeyPairSync, randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../src/admin-users/admin-user.entity";
import { ADMIN_API_PREFIXES, unguardedAdminRoutes } from "../src/auth/secured-router";
import { isRoleGuard } from "../src/auth/roles";
import { createCredential, createDealer, dealerToken, putGrant } from "./support/fixtures";
import { startTestGateway, testKeys, type TestGateway } from "./support/gateway";

let gw: TestGateway;
let adminToken: string;
beforeAll(async () => {
  gw = await startTestGateway({ env: { RATE_LIMIT_PER_MINUTE: "100000", LOGIN_RATE_LIMIT_PER_MINUTE: "100000" } });
  adminToken = await gw.adminToken();
});
afterAll(async () => {
  await gw?.stop();
});

type Row = Record<string, unknown>;
const rows = (sql: string, params: unknown[] = []): Promise<Row[]> => gw.dataSource.query(sql, params);
const auditOf = (requestId: string) => rows("SELECT action, decision, reason, status FROM audit_events WHERE request_id = ?", [requestId]);

async function userWith(roles: Role[]): Promise<{ id: string; token: string }> {
  const username = `${roles.join(".")}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const created = await gw.http.post("/v1/admin/users").auth(adminToken, { type: "bearer" }).send({ username, password, roles }).expect(201);
  const login = await gw.http.post("/v1/auth/login").send({ username, password }).expect(200);
  return { id: created.body.id, token: login.body.access_token };
}

async function adminUserId(): Promise<string> {
  return (jwt.decode(adminToken) as { sub: string }).sub;
}

// ---------------------------------------------------------------------------------------------
// The router walk: every admin-API route the gateway actually serves, with the roles it demands.

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle: { stack?: Layer[] };
}

interface ServedRoute {
  method: string;
  path: string;
  roles: Role[] | undefined;
}

function servedRoutes(): ServedRoute[] {
  const app = gw.gateway.server.listeners("request")[0] as unknown as { router: { stack: Layer[] } };
  const found: ServedRoute[] = [];
  const walk = (layers: Layer[]) => {
    for (const layer of layers) {
      if (layer.route) {
        const guard = layer.route.stack.map((entry) => entry.handle).find(isRoleGuard);
        for (const method of Object.keys(layer.route.methods)) {
          found.push({ method: method.toUpperCase(), path: layer.route.path, roles: guard ? [...guard.requiredRoles] : undefined });
        }
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk(app.router.stack);
  return found;
}

const isAdminApi = (route: ServedRoute) => ADMIN_API_PREFIXES.some((prefix) => route.path.startsWith(prefix));
const shape = (route: ServedRoute) => `${route.method} ${route.path.replace(/:[A-Za-z]+/g, ":")}`;

/** The admin API of contract sections 5 and 6, each with the roles that may call it. */
const CONTRACT_ADMIN_ROUTES: [string, Role[]][] = [
  ["POST /v1/admin/dealers", ["crm_admin"]], ["GET /v1/admin/dealers", ["crm_admin"]],
  ["GET /v1/admin/dealers/:", ["crm_admin"]], ["PATCH /v1/admin/dealers/:", ["crm_admin"]],
  ["POST /v1/admin/dealers/:/suspend", ["crm_admin"]], ["POST /v1/admin/dealers/:/reinstate", ["crm_admin"]],
  ["POST /v1/admin/dealers/:/credentials", ["crm_admin"]], ["GET /v1/admin/dealers/:/credentials", ["crm_admin"]],
  ["DELETE /v1/admin/dealers/:/credentials/:", ["crm_admin"]],
  ["PUT /v1/admin/dealers/:/grants/:", ["crm_admin"]], ["DELETE /v1/admin/dealers/:/grants/:", ["crm_admin"]],
  ["GET /v1/admin/dealers/:/grants", ["crm_admin"]],
  ["POST /v1/admin/customers", ["crm_admin"]], ["GET /v1/admin/customers", ["crm_admin"]],
  ["GET /v1/admin/customers/:", ["crm_admin"]], ["PATCH /v1/admin/customers/:", ["crm_admin"]],
  ["POST /v1/admin/customers/import", ["crm_admin"]],
  ["POST /v1/admin/customers/:/restrict", ["crm_admin"]], ["POST /v1/admin/customers/:/unrestrict", ["crm_admin"]],
  ["POST /v1/admin/customers/:/erase", ["crm_admin"]],
  ["POST /v1/admin/customers/:/consents", ["crm_admin"]], ["GET /v1/admin/customers/:/consents", ["crm_admin"]],
  ["POST /v1/admin/consents/:/withdraw", ["crm_admin"]], ["GET /v1/admin/consents/:", ["crm_admin"]],
  ["POST /v1/admin/users", ["user_admin"]], ["GET /v1/admin/users", ["user_admin"]],
  ["PATCH /v1/admin/users/:", ["user_admin"]], ["DELETE /v1/admin/users/:", ["user_admin"]],
  ["GET /v1/purposes", ["user_admin", "crm_admin", "compliance_auditor"]],
  ["POST /v1/admin/access-check", ["crm_admin", "compliance_auditor"]],
  ["GET /v1/audit/events", ["compliance_auditor"]], ["GET /v1/audit/customers/:/report", ["compliance_auditor"]],
  ["GET /v1/audit/dealers/:/pending-purges", ["compliance_auditor"]], ["GET /v1/audit/verify", ["compliance_auditor"]],
];

/** Which roles each part of the admin API admits: a route outside this table would be a new, unreviewed area. */
function expectedRoles(path: string): Role[] {
  if (path.startsWith("/v1/admin/users")) return ["user_admin"];
  if (path.startsWith("/v1/admin/access-check")) return ["crm_admin", "compliance_auditor"];
  if (path.startsWith("/v1/admin/lookup/")) return ["crm_admin", "compliance_auditor"];
  if (path === "/v1/admin/consent-defaults") return ["crm_admin"];
  if (/^\/v1\/admin\/(dealers|customers|consents)(\/|$)/.test(path)) return ["crm_admin"];
  if (path.startsWith("/v1/audit/")) return ["compliance_auditor"];
  if (path === "/v1/purposes") return ["user_admin", "crm_admin", "compliance_auditor"];
  throw new Error(`no role expectation for ${path}`);
}

describe("the served admin API declares its roles on every route", () => {
  it("when the gateway's own router is walked, then no admin-API route lacks a role guard", () => {
    const app = gw.gateway.server.listeners("request")[0] as unknown as { router: object };
    expect(unguardedAdminRoutes(app.router)).toEqual([]);
    const admin = servedRoutes().filter(isAdminApi);
    expect(admin.filter((route) => !route.roles).map(shape)).toEqual([]);
    expect(admin.length).toBeGreaterThanOrEqual(CONTRACT_ADMIN_ROUTES.length);
  });

  it("when the walk is compared with the contract, then every admin route of the contract is served with exactly its roles", () => {
    const served = new Map(servedRoutes().filter(isAdminApi).map((route) => [shape(route), [...(route.roles ?? [])].sort()]));
    const missing = CONTRACT_ADMIN_ROUTES.filter(([route]) => !served.has(route)).map(([route]) => route);
    expect(missing).toEqual([]);
    for (const [route, roles] of CONTRACT_ADMIN_ROUTES) expect({ route, roles: served.get(route) }).toEqual({ route, roles: [...roles].sort() });
  });

  it("when every served admin route is checked against its area, then none admits a role its area does not", () => {
    for (const route of servedRoutes().filter(isAdminApi)) {
      expect({ route: shape(route), roles: [...(route.roles ?? [])].sort() }).toEqual({ route: shape(route), roles: expectedRoles(route.path).sort() });
    }
  });

  it("when the walk tool is given a router with an unguarded admin route, then it reports it, so the checks above are not vacuous", async () => {
    const { Router } = await import("express");
    const router = Router();
    router.get("/v1/admin/backdoor", (_req, res) => res.end());
    expect(unguardedAdminRoutes(router)).toEqual(["/v1/admin/backdoor"]);
  });
});

// ---------------------------------------------------------------------------------------------
// The last user_admin runs first, while the bootstrap admin is still the only one.

describe("own account", () => {
  it("when any user changes their own roles, the bootstrap admin included, then 403 own_roles, audited, and the roles are unchanged", async () => {
    const id = await adminUserId();
    for (const roles of [["crm_admin", "compliance_auditor"], ["user_admin", "crm_admin", "compliance_auditor"]]) {
      const response = await gw.http.patch(`/v1/admin/users/${id}`).auth(adminToken, { type: "bearer" }).send({ roles }).expect(403);
      expect(response.body).toMatchObject({ code: "forbidden", detail: expect.stringContaining("your own roles") });
      expect(await auditOf(response.headers["x-request-id"]!)).toEqual([{ action: "user.update", decision: "deny", reason: "own_roles", status: 403 }]);
    }
    expect(await rows("SELECT roles FROM admin_users WHERE id = ?", [id])).toEqual([{ roles: "user_admin,crm_admin,compliance_auditor" }]);
  });

  it("when the only user_admin deletes their own account, then 409 and the account remains", async () => {
    const id = await adminUserId();
    const response = await gw.http.delete(`/v1/admin/users/${id}`).auth(adminToken, { type: "bearer" }).expect(409);
    expect(response.body.code).toBe("conflict");
    expect(await rows("SELECT id FROM admin_users WHERE id = ?", [id])).toHaveLength(1);
  });

  it("when a user_admin takes user_admin away from another, then that one loses the admin-user routes at once", async () => {
    const second = await userWith(["user_admin"]);
    await gw.http.patch(`/v1/admin/users/${second.id}`).auth(adminToken, { type: "bearer" }).send({ roles: ["crm_admin"] }).expect(200);
    await gw.http.get("/v1/admin/users").auth(second.token, { type: "bearer" }).expect(403);
  });
});

describe("only a holder of a role grants it", () => {
  let userAdmin: { id: string; token: string };
  beforeAll(async () => {
    userAdmin = await userWith(["user_admin"]);
  });
  const as = (who: { token: string }) => ({ Authorization: `Bearer ${who.token}` });
  const denial = async (response: { headers: Record<string, string> }): Promise<Row> => {
    const [event] = await rows("SELECT action, decision, reason, status, detail FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]!]);
    return { ...event, detail: JSON.parse(String(event!.detail)) };
  };

  it.each([["crm_admin"], ["compliance_auditor"]] as const)("when a user_admin creates a user holding %s, which it lacks, then 403 role_not_held, audited, and no user", async (role) => {
    const username = `escalated-${randomUUID().slice(0, 8)}`;
    const response = await gw.http.post("/v1/admin/users").set(as(userAdmin)).send({ username, password: `pw-${randomUUID()}`, roles: ["user_admin", role] }).expect(403);
    expect(response.body.detail).toContain(role);
    expect(await denial(response)).toEqual({ action: "user.create", decision: "deny", reason: "role_not_held", status: 403, detail: { roles: [role] } });
    expect(await rows("SELECT id FROM admin_users WHERE username = ?", [username])).toEqual([]);
  });

  it("when a user_admin gives itself crm_admin and compliance_auditor, then 403 own_roles and its roles are unchanged", async () => {
    const response = await gw.http.patch(`/v1/admin/users/${userAdmin.id}`).set(as(userAdmin)).send({ roles: ["user_admin", "crm_admin", "compliance_auditor"] }).expect(403);
    expect((await denial(response)).reason).toBe("own_roles");
    expect(await rows("SELECT roles FROM admin_users WHERE id = ?", [userAdmin.id])).toEqual([{ roles: "user_admin" }]);
    await gw.http.get("/v1/admin/dealers").set(as(userAdmin)).expect(403);
  });

  it("when a user_admin gives another user_admin a role it lacks, then 403 role_not_held and the roles are unchanged", async () => {
    const accomplice = await userWith(["user_admin"]);
    const response = await gw.http.patch(`/v1/admin/users/${accomplice.id}`).set(as(userAdmin)).send({ roles: ["user_admin", "compliance_auditor"] }).expect(403);
    expect(await denial(response)).toEqual({ action: "user.update", decision: "deny", reason: "role_not_held", status: 403, detail: { userId: accomplice.id, roles: ["compliance_auditor"] } });
    expect(await rows("SELECT roles FROM admin_users WHERE id = ?", [accomplice.id])).toEqual([{ roles: "user_admin" }]);
  });

  it("when a user_admin resets the password of an auditor, or deletes one, then 403: it cannot take over or remove a role it lacks", async () => {
    const username = `auditor-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const auditor = await gw.http.post("/v1/admin/users").auth(adminToken, { type: "bearer" }).send({ username, password, roles: ["compliance_auditor"] }).expect(201);
    const reset = await gw.http.patch(`/v1/admin/users/${auditor.body.id}`).set(as(userAdmin)).send({ password: `taken-over-${randomUUID()}` }).expect(403);
    expect((await denial(reset)).reason).toBe("role_not_held");
    await gw.http.post("/v1/auth/login").send({ username, password }).expect(200);
    await gw.http.delete(`/v1/admin/users/${auditor.body.id}`).set(as(userAdmin)).expect(403);
    expect(await rows("SELECT roles FROM admin_users WHERE id = ?", [auditor.body.id])).toEqual([{ roles: "compliance_auditor" }]);
  });

  it("when a user_admin manages users within its own roles, then it may: create, change the password, delete", async () => {
    const created = await gw.http.post("/v1/admin/users").set(as(userAdmin)).send({ username: `peer-${randomUUID().slice(0, 8)}`, password: `pw-${randomUUID()}`, roles: ["user_admin"] }).expect(201);
    await gw.http.patch(`/v1/admin/users/${created.body.id}`).set(as(userAdmin)).send({ password: `pw-${randomUUID()}` }).expect(200);
    await gw.http.delete(`/v1/admin/users/${created.body.id}`).set(as(userAdmin)).expect(204);
  });

  it("when a user holding user_admin and crm_admin grants crm_admin, then yes; compliance_auditor, then no", async () => {
    const desk = await userWith(["user_admin", "crm_admin"]);
    const target = await userWith(["user_admin"]);
    await gw.http.patch(`/v1/admin/users/${target.id}`).set(as(desk)).send({ roles: ["user_admin", "crm_admin"] }).expect(200);
    await gw.http.patch(`/v1/admin/users/${target.id}`).set(as(desk)).send({ roles: ["crm_admin", "compliance_auditor"] }).expect(403);
    expect(await rows("SELECT roles FROM admin_users WHERE id = ?", [target.id])).toEqual([{ roles: "user_admin,crm_admin" }]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("the role matrix, route by route", () => {
  const only: Partial<Record<Role, string>> = {};
  beforeAll(async () => {
    for (const role of ["user_admin", "crm_admin", "compliance_auditor"] as const) only[role] = (await userWith([role])).token;
  });

  /** A concrete URL for a route pattern: ids become fresh UUIDs, a purpose becomes a real one. */
  const concrete = (path: string) => path.replace(/:purpose\b/g, "service_delivery").replace(/:[A-Za-z]+/g, () => randomUUID());

  it.each(["user_admin", "crm_admin", "compliance_auditor"] as const)("when an admin holding only %s calls every admin route, then exactly the routes without that role answer 403 forbidden, and none answers 5xx", async (role) => {
    const routes = servedRoutes().filter(isAdminApi);
    expect(routes.length).toBeGreaterThan(0);
    const outcomes: { route: string; status: number; code?: string }[] = [];
    for (const route of routes) {
      const response = await gw.http[route.method.toLowerCase() as "get"](concrete(route.path)).auth(only[role]!, { type: "bearer" }).send({});
      outcomes.push({ route: shape(route), status: response.status, code: response.body?.code });
    }
    const allowed = new Set(routes.filter((route) => route.roles?.includes(role)).map(shape));
    for (const outcome of outcomes) {
      expect(outcome.status, `${outcome.route}: ${outcome.status}`).toBeLessThan(500);
      if (allowed.has(outcome.route)) expect([401, 403], outcome.route).not.toContain(outcome.status);
      else expect(outcome, outcome.route).toEqual({ route: outcome.route, status: 403, code: "forbidden" });
    }
    expect(allowed.size).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome.status === 403).length).toBeGreaterThan(0);
  });

  it("when the compliance auditor tries any write, then 403 and no admin change is recorded", async () => {
    const before = (await rows("SELECT COUNT(*) AS n FROM audit_events WHERE decision = 'allow' AND actor_type = 'admin' AND action NOT IN ('auth.login')"))[0]!.n;
    // Checking access and verifying against a held checkpoint are POSTs that change nothing, and the auditor's own.
    const reads = ["/v1/admin/access-check", "/v1/audit/verify"];
    const writes = servedRoutes().filter(isAdminApi).filter((route) => route.method !== "GET" && !reads.includes(route.path));
    expect(writes.length).toBeGreaterThan(10);
    for (const route of writes) {
      const response = await gw.http[route.method.toLowerCase() as "post"](concrete(route.path)).auth(only.compliance_auditor!, { type: "bearer" }).send({});
      expect({ route: shape(route), status: response.status }).toEqual({ route: shape(route), status: 403 });
    }
    const after = (await rows("SELECT COUNT(*) AS n FROM audit_events WHERE decision = 'allow' AND actor_type = 'admin' AND action NOT IN ('auth.login')"))[0]!.n;
    expect(Number(after)).toBe(Number(before));
  });

  it("when a user_admin targets dealers, customers and consents with real ids, then 403 and nothing is created", async () => {
    const dealer = await createDealer(gw);
    const before = await rows("SELECT (SELECT COUNT(*) FROM dealers) AS dealers, (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM consents) AS consents");
    const as = only.user_admin!;
    await gw.http.post("/v1/admin/dealers").auth(as, { type: "bearer" }).send({ name: "Rogue", country: "FR" }).expect(403);
    await gw.http.post(`/v1/admin/dealers/${dealer.id}/suspend`).auth(as, { type: "bearer" }).expect(403);
    await gw.http.post("/v1/admin/customers").auth(as, { type: "bearer" }).send({ externalRef: "X", name: { given: "A", family: "B" } }).expect(403);
    await gw.http.get("/v1/admin/customers?externalRef=X").auth(as, { type: "bearer" }).expect(403);
    await gw.http.post(`/v1/admin/customers/${randomUUID()}/consents`).auth(as, { type: "bearer" }).send({}).expect(403);
    expect(await rows("SELECT (SELECT COUNT(*) FROM dealers) AS dealers, (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM consents) AS consents")).toEqual(before);
    expect((await gw.http.get(`/v1/admin/dealers/${dealer.id}`).auth(adminToken, { type: "bearer" }).expect(200)).body.status).toBe("active");
  });

  it("when a crm_admin tries to manage users, then 403 and no user is created or changed", async () => {
    const as = only.crm_admin!;
    const count = async () => Number((await rows("SELECT COUNT(*) AS n FROM admin_users"))[0]!.n);
    const before = await count();
    await gw.http.post("/v1/admin/users").auth(as, { type: "bearer" }).send({ username: "escalator", password: "long-enough-password", roles: ["user_admin"] }).expect(403);
    await gw.http.patch(`/v1/admin/users/${await adminUserId()}`).auth(as, { type: "bearer" }).send({ roles: ["crm_admin"] }).expect(403);
    await gw.http.delete(`/v1/admin/users/${await adminUserId()}`).auth(as, { type: "bearer" }).expect(403);
    await gw.http.get("/v1/admin/users").auth(as, { type: "bearer" }).expect(403);
    expect(await count()).toBe(before);
  });
});

describe("role changes and deletions bite on the next request", () => {
  it("when a user's roles are changed, then the token issued before the change carries the new roles at once", async () => {
    const user = await userWith(["crm_admin"]);
    const consents = `/v1/admin/customers/${randomUUID()}/consents`;
    await gw.http.get(consents).auth(user.token, { type: "bearer" }).expect(404);

    await gw.http.patch(`/v1/admin/users/${user.id}`).auth(adminToken, { type: "bearer" }).send({ roles: ["compliance_auditor"] }).expect(200);
    const refused = await gw.http.get(consents).auth(user.token, { type: "bearer" }).expect(403);
    expect(refused.body.code).toBe("forbidden");
    await gw.http.post(`/v1/admin/customers/${randomUUID()}/consents`).auth(user.token, { type: "bearer" }).send({}).expect(403);
    await gw.http.get("/v1/purposes").auth(user.token, { type: "bearer" }).expect(200);
  });

  it("when a user's password is changed or reset, then every token issued before is refused 401 on the next request, on every gateway process", async () => {
    const other = await startTestGateway({ database: gw.database, clock: gw.clock });
    try {
      const user = await userWith(["crm_admin"]);
      const username = (await rows("SELECT username FROM admin_users WHERE id = ?", [user.id]))[0]!.username as string;
      // Both processes have verified the token once, so each holds it in its cache of verified signatures.
      for (const gateway of [gw, other]) await gateway.http.get("/v1/purposes").auth(user.token, { type: "bearer" }).expect(200);

      const password = `changed ${randomUUID()}`;
      await gw.http.patch(`/v1/admin/users/${user.id}`).auth(adminToken, { type: "bearer" }).send({ password }).expect(200);
      for (const gateway of [gw, other]) {
        const response = await gateway.http.get("/v1/purposes").auth(user.token, { type: "bearer" }).expect(401);
        expect(await auditOf(response.headers["x-request-id"]!)).toEqual([{ action: "auth.bearer", decision: "deny", reason: "password_changed", status: 401 }]);
      }

      const fresh = (await other.http.post("/v1/auth/login").send({ username, password }).expect(200)).body.access_token as string;
      for (const gateway of [gw, other]) await gateway.http.get("/v1/purposes").auth(fresh, { type: "bearer" }).expect(200);
      await gw.http.patch(`/v1/admin/users/${user.id}`).auth(adminToken, { type: "bearer" }).send({ password: `again ${randomUUID()}` }).expect(200);
      for (const gateway of [gw, other]) await gateway.http.get("/v1/purposes").auth(fresh, { type: "bearer" }).expect(401);
    } finally {
      await other.stop();
    }
  });

  it("when a user changes their own password, then their own earlier token is refused too, and a role change alone revokes nothing", async () => {
    const user = await userWith(["user_admin"]);
    await gw.http.patch(`/v1/admin/users/${user.id}`).auth(adminToken, { type: "bearer" }).send({ roles: ["user_admin", "crm_admin"] }).expect(200);
    await gw.http.get("/v1/admin/dealers").auth(user.token, { type: "bearer" }).expect(200);
    await gw.http.patch(`/v1/admin/users/${user.id}`).auth(user.token, { type: "bearer" }).send({ password: `mine ${randomUUID()}` }).expect(200);
    await gw.http.get("/v1/admin/users").auth(user.token, { type: "bearer" }).expect(401);
  });

  it("when a user is deleted, then their token is refused 401 and the refusal is audited", async () => {
    const user = await userWith(["crm_admin", "compliance_auditor"]);
    await gw.http.get("/v1/purposes").auth(user.token, { type: "bearer" }).expect(200);
    await gw.http.delete(`/v1/admin/users/${user.id}`).auth(adminToken, { type: "bearer" }).expect(204);

    const response = await gw.http.get("/v1/purposes").auth(user.token, { type: "bearer" }).expect(401);
    expect(response.body.code).toBe("unauthorized");
    expect(await auditOf(response.headers["x-request-id"]!)).toEqual([{ action: "auth.bearer", decision: "deny", reason: "user_unknown", status: 401 }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Audiences and forged tokens.

const nowSeconds = () => Math.floor(Date.now() / 1000);

interface Forgery {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  omit?: string[];
  key?: jwt.Secret;
  algorithm?: jwt.Algorithm;
  /** Keeps jsonwebtoken from adding an iat of its own. */
  noTimestamp?: boolean;
}

/** Signs a token the way the gateway does, then applies the forgery; the test keys are the gateway's own. */
function forge(base: Record<string, unknown>, forgery: Forgery = {}): string {
  const keys = testKeys();
  const claims: Record<string, unknown> = { iss: gw.config.JWT_ISSUER, iat: nowSeconds(), nbf: nowSeconds(), exp: nowSeconds() + 300, jti: randomUUID(), ...base, ...forgery.claims };
  for (const name of forgery.omit ?? []) delete claims[name];
  const algorithm = forgery.algorithm ?? "ES256";
  const header = { alg: algorithm, typ: "at+jwt", kid: keys.kid, ...forgery.header };
  for (const name of Object.keys(header)) if (header[name as keyof typeof header] === undefined) delete header[name as keyof typeof header];
  return jwt.sign(claims, forgery.key ?? keys.privateKey, { algorithm, header: header as jwt.JwtHeader, noTimestamp: forgery.noTimestamp ?? false });
}

function unsigned(base: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = { iss: gw.config.JWT_ISSUER, iat: nowSeconds(), nbf: nowSeconds(), exp: nowSeconds() + 300, ...base };
  return `${encode({ alg: "none", typ: "at+jwt", kid: testKeys().kid })}.${encode(claims)}.`;
}

function tamper(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split(".");
  const claims = { ...JSON.parse(Buffer.from(payload!, "base64url").toString()), ...change };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
}

const strangerKey = () => generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const publicPem = () => testKeys().verification[0]!.key.export({ type: "spki", format: "pem" }).toString();

/** Every way a bearer token can be wrong, each with the reason the audit log must give. */
function forgeries(base: Record<string, unknown>, wrongAudience: string): [string, () => string, string][] {
  return [
    ["signed for another issuer", () => forge(base, { claims: { iss: "https://evil.example" } }), "token_issuer_wrong"],
    ["without an issuer", () => forge(base, { omit: ["iss"] }), "token_issuer_wrong"],
    ["for the other audience", () => forge(base, { claims: { aud: wrongAudience } }), "token_audience_wrong"],
    ["for both audiences at once", () => forge(base, { claims: { aud: [wrongAudience, base.aud] } }), "token_audience_wrong"],
    ["without an audience", () => forge(base, { omit: ["aud"] }), "token_audience_wrong"],
    ["with alg none", () => unsigned(base), "token_algorithm_wrong"],
    ["HS256-signed with the public key", () => forge(base, { algorithm: "HS256", key: publicPem() }), "token_algorithm_wrong"],
    ["signed with an unknown kid", () => forge(base, { header: { kid: "someone-elses-key" } }), "token_key_unknown"],
    ["signed without a kid", () => forge(base, { header: { kid: undefined } }), "token_key_unknown"],
    ["signed by another key under the gateway's kid", () => forge(base, { key: strangerKey().privateKey }), "token_signature_invalid"],
    ["carrying its own key in the header", () => {
      const stranger = strangerKey();
      return forge(base, { key: stranger.privateKey, header: { jwk: stranger.publicKey.export({ format: "jwk" }) } });
    }, "token_signature_invalid"],
    ["altered after signing", () => tamper(forge(base), { sub: randomUUID() }), "token_signature_invalid"],
    ["typed JWT rather than at+jwt", () => forge(base, { header: { typ: "JWT" } }), "token_type_wrong"],
    ["without a type", () => forge(base, { header: { typ: undefined } }), "token_type_wrong"],
    ["expired", () => forge(base, { claims: { iat: nowSeconds() - 600, nbf: nowSeconds() - 600, exp: nowSeconds() - 60 } }), "token_expired"],
    ["without an expiry", () => forge(base, { omit: ["exp"] }), "token_expiry_missing"],
    ["issued more than a day ago", () => forge(base, { claims: { iat: nowSeconds() - 2 * 86_400 } }), "token_expired"],
    ["valid for ten years", () => forge(base, { claims: { exp: nowSeconds() + 10 * 365 * 86_400 } }), "token_lifetime_too_long"],
    ["without an issue time", () => forge(base, { omit: ["iat"], noTimestamp: true }), "token_issued_at_missing"],
    ["not valid yet", () => forge(base, { claims: { nbf: nowSeconds() + 600 } }), "token_not_yet_valid"],
    ["that is no JWT at all", () => "not-a-jwt", "token_malformed"],
  ];
}

async function expectRefused(request: Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }>, reason: string): Promise<Record<string, unknown>> {
  const response = await request;
  expect(response.status).toBe(401);
  expect(response.body.code).toBe("unauthorized");
  expect(response.headers["www-authenticate"]).toMatch(/^Bearer /);
  expect(await auditOf(response.headers["x-request-id"]!)).toEqual([{ action: "auth.bearer", decision: "deny", reason, status: 401 }]);
  return { ...response.body, requestId: undefined };
}

describe("admin tokens", () => {
  const adminClaims = async () => ({ sub: await adminUserId(), aud: "admin-api", scope: "user_admin crm_admin compliance_auditor", gen: 0 });

  it("when a token is forged exactly as the gateway signs them, then it is accepted, so the refusals below test one fault each", async () => {
    await gw.http.get("/v1/purposes").auth(forge(await adminClaims()), { type: "bearer" }).expect(200);
  });

  it("when an admin token is refused for any reason, then every refusal looks the same to the caller", async () => {
    const claims = await adminClaims();
    const bodies = [];
    for (const [, make, reason] of forgeries(claims, "dealer-api")) bodies.push(await expectRefused(gw.http.get("/v1/purposes").auth(make(), { type: "bearer" }), reason));
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
  });

  it.each(forgeries({ aud: "admin-api", scope: "" }, "dealer-api").map(([name, , reason]) => [name, reason]))("when an admin-API token is %s, then 401 and the audit log says %s", async (name, reason) => {
    const [, make] = forgeries(await adminClaims(), "dealer-api").find(([candidate]) => candidate === name)!;
    await expectRefused(gw.http.get("/v1/purposes").auth(make(), { type: "bearer" }), reason);
    await expectRefused(gw.http.post(`/v1/admin/customers/${randomUUID()}/consents`).auth(make(), { type: "bearer" }).send({}), reason);
  });

  it("when a token names a user that does not exist, then 401 user_unknown", async () => {
    await expectRefused(gw.http.get("/v1/purposes").auth(forge({ sub: randomUUID(), aud: "admin-api", scope: "user_admin", gen: 0 }), { type: "bearer" }), "user_unknown");
  });

  it("when a token carries no token generation, or another one than its user's, then 401", async () => {
    await expectRefused(gw.http.get("/v1/purposes").auth(forge({ ...(await adminClaims()), gen: undefined }), { type: "bearer" }), "token_generation_missing");
    await expectRefused(gw.http.get("/v1/purposes").auth(forge({ ...(await adminClaims()), gen: "0" }), { type: "bearer" }), "token_generation_missing");
    await expectRefused(gw.http.get("/v1/purposes").auth(forge({ ...(await adminClaims()), gen: 1 }), { type: "bearer" }), "password_changed");
  });

  it("when no token or another scheme is sent, then 401 token_missing", async () => {
    await expectRefused(gw.http.get("/v1/purposes"), "token_missing");
    await expectRefused(gw.http.get("/v1/purposes").set("Authorization", `Basic ${Buffer.from("admin:x").toString("base64")}`), "token_missing");
  });
});

describe("dealer tokens and the audience wall", () => {
  let dealer: { id: string; clientId: string; token: string };
  beforeAll(async () => {
    const created = await createDealer(gw);
    const credential = await createCredential(gw, created.id);
    await putGrant(gw, created.id, "service_delivery");
    dealer = { id: created.id, clientId: credential.clientId, token: await dealerToken(gw, credential) };
  });
  const dealerClaims = () => ({ sub: dealer.clientId, dealer_id: dealer.id, aud: "dealer-api", scope: "purpose:service_delivery" });

  it("when a dealer token from /oauth/token is presented to the admin API, then 401 token_audience_wrong everywhere", async () => {
    await expectRefused(gw.http.get("/v1/purposes").auth(dealer.token, { type: "bearer" }), "token_audience_wrong");
    await expectRefused(gw.http.get(`/v1/admin/dealers/${dealer.id}`).auth(dealer.token, { type: "bearer" }), "token_audience_wrong");
    await expectRefused(gw.http.post(`/v1/admin/customers/${randomUUID()}/consents`).auth(dealer.token, { type: "bearer" }).send({}), "token_audience_wrong");
    await expectRefused(gw.http.get("/v1/audit/events").auth(dealer.token, { type: "bearer" }), "token_audience_wrong");
  });

  it("when an admin token is presented to the dealer API, then 401 token_audience_wrong", async () => {
    await expectRefused(gw.http.get("/v1/consent-events").auth(adminToken, { type: "bearer" }), "token_audience_wrong");
    await expectRefused(gw.http.get(`/v1/customers/${randomUUID()}?purpose=service_delivery`).auth(adminToken, { type: "bearer" }), "token_audience_wrong");
  });

  it("when a dealer token is forged exactly as the gateway signs them, then the dealer API accepts it", async () => {
    await gw.http.get("/v1/consent-events").auth(forge(dealerClaims()), { type: "bearer" }).expect(200);
    await gw.http.get("/v1/consent-events").auth(dealer.token, { type: "bearer" }).expect(200);
  });

  it.each(forgeries({ aud: "dealer-api" }, "admin-api").map(([name, , reason]) => [name, reason]))("when a dealer-API token is %s, then 401 and the audit log says %s", async (name, reason) => {
    const [, make] = forgeries(dealerClaims(), "admin-api").find(([candidate]) => candidate === name)!;
    await expectRefused(gw.http.get("/v1/consent-events").auth(make(), { type: "bearer" }), reason);
  });

  it("when a dealer token names a client of another dealer, then 401 credential_unknown", async () => {
    const other = await createDealer(gw);
    await expectRefused(gw.http.get("/v1/consent-events").auth(forge({ ...dealerClaims(), dealer_id: other.id }), { type: "bearer" }), "credential_unknown");
  });
});
