import { spawnSync } from "node:child_process";
import path from "node:path";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPILED, spawnGateway, type ChildGateway } from "./support/child-gateway";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { dealerWithAccess } from "./support/fixtures";
import { ADMIN_PASSWORD, type TestGateway } from "./support/gateway";

/**
 * `npm start` runs the compiled build (dist/server), not the TypeScript sources: it must find what it
 * serves from files (the docs page, the console) and behave as the sources do.
 */
let database: TestDatabase;
let child: ChildGateway;
let gateway: TestGateway;

beforeAll(async () => {
  const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: path.resolve(__dirname, ".."), encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  database = await createTestDatabase();
  child = await spawnGateway({ databaseUrl: database.url, nodeArgs: COMPILED });
  const http = supertest(child.url);
  const token = (await http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(200)).body.access_token as string;
  gateway = { http, url: child.url, adminToken: async () => token } as unknown as TestGateway;
}, 300_000);
afterAll(async () => {
  await child?.dispose();
  await database?.drop();
});

describe("the compiled gateway, as npm start runs it", () => {
  it("when it has started, then it runs from dist/server, not through tsx", () => {
    expect(child.process.spawnargs.join(" ")).toContain("dist/server/main.js");
    expect(child.process.spawnargs.join(" ")).not.toContain("tsx");
  });

  it("when the docs page and the API description are asked for, then their files are found", async () => {
    await gateway.http.get("/openapi.json").expect(200);
    const init = await gateway.http.get("/docs/init.js").expect(200);
    expect(init.text.length).toBeGreaterThan(0);
  });

  it("when a dealer reads a consenting customer, then it gets the purpose's fields and the read is audited", async () => {
    const { customer, token } = await dealerWithAccess(gateway);
    const read = await gateway.http.get(`/v1/customers/${customer.id}?purpose=service_delivery`).set("Authorization", `Bearer ${token}`).expect(200);
    expect(read.body.id).toBe(customer.id);
    const events = await gateway.http.get(`/v1/audit/events?customerId=${customer.id}&action=customer.read`)
      .set("Authorization", `Bearer ${await gateway.adminToken()}`).expect(200);
    expect(events.body.items).toHaveLength(1);
  });
});
