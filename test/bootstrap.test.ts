import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";

const started: TestGateway[] = [];
const databases: TestDatabase[] = [];

async function gatewayOn(database: TestDatabase, env: Record<string, string>): Promise<TestGateway> {
  const gw = await startTestGateway({ database, env });
  started.push(gw);
  return gw;
}

afterEach(async () => {
  for (const gw of started.splice(0)) await gw.stop();
  for (const database of databases.splice(0)) await database.drop();
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

const users = async (gw: TestGateway) => (await gw.dataSource.query("SELECT username, roles FROM admin_users ORDER BY username")) as { username: string; roles: string }[];

describe("bootstrap admin", () => {
  it("when no admin exists and a password is set, then start-up creates one holding all three roles", async () => {
    const gw = await gatewayOn(await freshDatabase(), {});
    expect(await users(gw)).toEqual([{ username: "admin", roles: "user_admin,crm_admin,compliance_auditor" }]);
  });

  it("when GATEWAY_ADMIN_USERNAME is set, then the bootstrap user takes that name", async () => {
    const gw = await gatewayOn(await freshDatabase(), { GATEWAY_ADMIN_USERNAME: "root-operator" });
    expect((await users(gw)).map((user) => user.username)).toEqual(["root-operator"]);
    await gw.http.post("/v1/auth/login").send({ username: "root-operator", password: "correct-horse-battery-staple" }).expect(200);
  });

  it("when no password is set, then no admin is created and nobody can sign in", async () => {
    const gw = await gatewayOn(await freshDatabase(), { GATEWAY_ADMIN_PASSWORD: "" });
    expect(await users(gw)).toEqual([]);
  });

  it("when an admin already exists, then a restart with another password changes nothing", async () => {
    const database = await freshDatabase();
    const first = await gatewayOn(database, {});
    const before = await first.dataSource.query("SELECT id, password_hash FROM admin_users");
    await first.stop();
    started.splice(started.indexOf(first), 1);
    const second = await gatewayOn(database, { GATEWAY_ADMIN_PASSWORD: "a-different-password" });
    expect(await second.dataSource.query("SELECT id, password_hash FROM admin_users")).toEqual(before);
    await second.http.post("/v1/auth/login").send({ username: "admin", password: "a-different-password" }).expect(401);
  });

  it("when passwords are stored, then only a salted scrypt hash is kept", async () => {
    const gw = await gatewayOn(await freshDatabase(), {});
    const [row] = (await gw.dataSource.query("SELECT password_hash FROM admin_users")) as { password_hash: string }[];
    expect(row!.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(row!.password_hash).not.toContain("correct-horse");
  });
});
