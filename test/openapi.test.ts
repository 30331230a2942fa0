import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../src/openapi/openapi-document";
import { DOCS_CSP } from "../src/openapi/openapi-routes";
import { openapiPath, servedRoutes } from "../src/openapi/route-table";
import { startTestGateway, type TestGateway } from "./support/gateway";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

type Json = Record<string, unknown>;

/** The console is a browser application of its own, served as files; the document describes the HTTP API and its reference pages. */
const NOT_API = (path: string) => path.startsWith("/console") || path.startsWith("/^\\/console");

function appOf(gateway: TestGateway): object {
  return gateway.gateway.server.listeners("request")[0] as unknown as object;
}

function documented(document: Json): Map<string, Json> {
  const operations = new Map<string, Json>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item)) operations.set(`${method.toUpperCase()} ${path}`, operation as Json);
  }
  return operations;
}

describe("the OpenAPI document", () => {
  it("when fetched, then it is a valid OpenAPI 3.1 document, and the same one the code builds", async () => {
    const response = await gw.http.get("/openapi.json").expect(200).expect("content-type", /application\/json/);
    const result = await new Validator().validate(response.body);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(response.body.openapi).toBe("3.1.0");
    // Swagger UI shows a red "not supported" error for it; OpenAPI 3.1's default dialect is the one used.
    expect(response.body).not.toHaveProperty("jsonSchemaDialect");
    expect(response.body).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it("when the gateway's own router is walked, then every route it serves is described, and nothing else is", () => {
    const served = new Set(servedRoutes(appOf(gw)).filter((route) => !NOT_API(route.path)).map((route) => `${route.method} ${openapiPath(route.path)}`));
    const described = new Set(documented(buildOpenApiDocument()).keys());
    expect([...served].filter((route) => !described.has(route)).sort(), "served but not described").toEqual([]);
    expect([...described].filter((route) => !served.has(route)).sort(), "described but not served").toEqual([]);
    expect(served.size).toBeGreaterThan(40);
  });

  it("when an admin route is described, then it names exactly the roles its guard demands, and only admin routes use the admin token", () => {
    const operations = documented(buildOpenApiDocument());
    for (const route of servedRoutes(appOf(gw)).filter((entry) => !NOT_API(entry.path))) {
      const operation = operations.get(`${route.method} ${openapiPath(route.path)}`)!;
      const where = `${route.method} ${route.path}`;
      expect({ where, roles: operation["x-roles"] }).toEqual({ where, roles: route.roles });
      const schemes = (operation.security as Json[]).flatMap((requirement) => Object.keys(requirement));
      expect({ where, admin: schemes.includes("adminBearer") }).toEqual({ where, admin: route.roles !== undefined });
    }
  });

  it("when a route takes a body or answers with errors, then the body schema and problem responses are described", () => {
    for (const [route, operation] of documented(buildOpenApiDocument())) {
      const responses = operation.responses as Record<string, Json>;
      expect(Object.keys(responses).some((status) => /^2\d\d$/.test(status)), route).toBe(true);
      expect(responses.default, route).toBeDefined();
      if (/^(POST|PUT|PATCH) \/v1\//.test(route)) expect(Object.keys(responses), route).toContain("400");
      if (route.includes("{id}") && (operation.security as Json[]).some((requirement) => "adminBearer" in requirement)) {
        expect(Object.keys(responses), route).toEqual(expect.arrayContaining(["400", "401", "403"]));
      }
    }
  });

  it("when the token endpoint is described, then it takes a form, client authentication by Basic or in the body, and answers RFC 6749 errors", () => {
    const token = documented(buildOpenApiDocument()).get("POST /oauth/token")!;
    expect(Object.keys((token.requestBody as { content: Json }).content)).toEqual(["application/x-www-form-urlencoded"]);
    expect(token.security).toEqual([{ clientSecretBasic: [] }, {}]);
    const responses = token.responses as Record<string, { content: Json }>;
    expect(responses["400"]!.content["application/json"]).toEqual({ schema: { $ref: "#/components/schemas/OAuthError" } });
    expect(responses["401"]!.content["application/json"]).toEqual({ schema: { $ref: "#/components/schemas/OAuthError" } });
  });
});

describe("the reference pages at /docs", () => {
  it("when /docs is fetched, then the page loads the renderer and its start-up script from this host only, under a policy without inline scripts", async () => {
    const response = await gw.http.get("/docs").expect(200).expect("content-type", /text\/html/);
    const policy = response.headers["content-security-policy"]!;
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain("unsafe-inline");
    expect(policy).not.toContain("unsafe-eval");
    expect(policy).toContain("default-src 'none'");
    const sources = [...response.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) expect(source).toMatch(/^\/docs\//);
    expect(response.text).not.toMatch(/<script>[^<]/);
    for (const source of sources) {
      const asset = await gw.http.get(source).expect(200);
      expect(asset.headers["content-security-policy"]).toBe(policy);
    }
  });

  it("when the start-up script is read, then it renders /openapi.json without calling an outside validator", async () => {
    const script = (await gw.http.get("/docs/init.js").expect(200).expect("content-type", /javascript/)).text;
    expect(script).toContain('url: "/openapi.json"');
    expect(script).toContain("validatorUrl: null");
    expect(script).not.toMatch(/https?:\/\//);
  });

  it("when a file of the renderer's package that the page does not use is asked for, then it is not served", async () => {
    await gw.http.get("/docs/index.html").expect(404);
    await gw.http.get("/docs/swagger-initializer.js").expect(404);
    await gw.http.get("/docs/../package.json").expect(404);
  });

  it("when the API is called, then it keeps its own strict policy", async () => {
    const response = await gw.http.get("/healthz").expect(200);
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["content-security-policy"]).not.toBe(DOCS_CSP);
  });
});
