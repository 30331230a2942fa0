import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataSource } from "../src/db/data-source";
import { MIGRATIONS } from "../src/db/migrations";
import { spawnGateway, type ChildGateway } from "./support/child-gateway";
import { createTestDatabase, TEST_DB, type TestDatabase } from "./support/databases";
import { ADMIN_PASSWORD } from "./support/gateway";

/**
 * Two separate gateway processes, started at the same moment against one fresh database (a MySQL
 * schema, or a SQLite file), as docs/scaling.md describes: the migration lock lets exactly one of them migrate, both come up, and
 * every guarantee (here: sign-in, shared keys, immediate revocation) holds across them.
 */
let database: TestDatabase;
let instances: ChildGateway[] = [];

describe(`several gateway processes on one ${TEST_DB === "mysql" ? "MySQL database" : "SQLite file"}`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    // Both processes start at the same moment, with the same signing key.
    instances = await Promise.all([0, 1].map(() => spawnGateway({ databaseUrl: database.url, readyTimeoutMs: 90_000 })));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.dispose()));
    await database?.drop();
  }, 30_000);

  it("when both start at the same moment, then both come up, each migration ran once and one bootstrap admin exists", async () => {
    const dataSource = createDataSource(database.url, 1);
    await dataSource.initialize();
    try {
      const migrations: { name: string }[] = await dataSource.query("SELECT name FROM schema_migrations");
      expect(migrations.map((row) => row.name).sort()).toEqual(MIGRATIONS.map((migration) => migration.name).sort());
      expect(await dataSource.query("SELECT username FROM admin_users")).toEqual([{ username: "admin" }]);
    } finally {
      await dataSource.destroy();
    }
    for (const instance of instances) await supertest(instance.url).get("/readyz").expect(200);
  });

  it("when a token is issued by one process, then the other accepts it, sees the same data, and enforces a revocation made on the first at once", async () => {
    const [a, b] = instances.map((instance) => supertest(instance.url)) as [supertest.Agent, supertest.Agent];
    const login = await a.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(200);
    const admin = { Authorization: `Bearer ${login.body.access_token}` };
    await b.get("/v1/purposes").set(admin).expect(200);

    const dealer = (await a.post("/v1/admin/dealers").set(admin).send({ name: "Shared", country: "FR" }).expect(201)).body;
    expect((await b.get(`/v1/admin/dealers/${dealer.id}`).set(admin).expect(200)).body).toEqual(dealer);
    await b.put(`/v1/admin/dealers/${dealer.id}/grants/service_delivery`).set(admin).send({}).expect(201);
    const credential = (await b.post(`/v1/admin/dealers/${dealer.id}/credentials`).set(admin).send({}).expect(201)).body;
    const token = (await a.post("/oauth/token").auth(credential.clientId, credential.clientSecret).type("form").send({ grant_type: "client_credentials" }).expect(200)).body.access_token;

    await b.get("/v1/consent-events").set("Authorization", `Bearer ${token}`).expect(200);
    await a.delete(`/v1/admin/dealers/${dealer.id}/credentials/${credential.clientId}`).set(admin).expect(204);
    await b.get("/v1/consent-events").set("Authorization", `Bearer ${token}`).expect(401);
    await a.get("/v1/consent-events").set("Authorization", `Bearer ${token}`).expect(401);
  });
});
