import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";

/**
 * The password policy (NIST SP 800-63B 5.1.1.2) wherever a password is set: creating a user, changing
 * or resetting one, and the bootstrap admin. A refusal is a 400 that says why, never repeats the
 * password, and changes nothing.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

const asAdmin = async () => ({ Authorization: `Bearer ${await gw.adminToken()}` });
const userCount = async () => Number(((await gw.dataSource.query("SELECT COUNT(*) AS n FROM admin_users")) as { n: number | string }[])[0]!.n);
const userChanges = async () => Number(((await gw.dataSource.query("SELECT COUNT(*) AS n FROM audit_events WHERE action IN ('user.create', 'user.update')")) as { n: number | string }[])[0]!.n);

/** A refusal that names the password as the field at fault, with the reason, and does not echo the password. */
function expectRefusedPassword(response: { status: number; body: Record<string, unknown>; text: string; headers: Record<string, string> }, password: string, reason: RegExp): void {
  expect(response.status).toBe(400);
  expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(response.body.code).toBe("validation_failed");
  const errors = response.body.errors as { path: string; message: string }[];
  expect(errors.map((error) => error.path)).toEqual(["password"]);
  expect(errors[0]!.message).toMatch(reason);
  expect(response.body.detail).toMatch(reason);
  expect(response.text.toLowerCase()).not.toContain(password.toLowerCase());
}

const COMMON = /commonly used password/;
const NAME = /user name/;
const TRIVIAL = /repeated character or pattern, or a simple sequence/;

/** [why, username, password, reason]: each must be refused. */
const REFUSED: [string, string, string, RegExp][] = [
  ["shorter than 12 characters", "short.pass", "eleven-char", /at least 12 characters/],
  ["11 characters that take 17 UTF-16 units", "emoji.user", "😀😀😀😀😀😀abcde", /at least 12 characters/],
  ["on the common-password list", "common.user", "password1234", COMMON],
  ["on the list in other letter case", "common.case", "PassWord1234", COMMON],
  ["a breached favourite", "breached.user", "qwertyuiop123", COMMON],
  ["twelve times one letter", "repeat.user", "aaaaaaaaaaaa", TRIVIAL],
  ["a short unit repeated", "pattern.user", "abcabcabcabc", TRIVIAL],
  ["digits in sequence", "digits.user", "234567890123", TRIVIAL],
  ["letters in sequence, backwards", "letters.user", "zyxwvutsrqpo", TRIVIAL],
  ["the user name", "operator.jane", "operator.jane", NAME],
  ["the user name in capitals with a year", "operator.john", "Operator.John2026", NAME],
  ["the user name reversed", "operator.anna", "anna.rotarepo", NAME],
  ["the user name twice", "ops.lead", "ops.lead.ops.lead", NAME],
];

describe("creating a user", () => {
  it.each(REFUSED)("when the password is %s, then 400 saying why, no user and no audit event", async (_why, username, password, reason) => {
    const [users, changes] = [await userCount(), await userChanges()];
    const response = await gw.http.post("/v1/admin/users").set(await asAdmin()).send({ username, password, roles: ["crm_admin"] });
    expectRefusedPassword(response, password, reason);
    expect(await userCount()).toBe(users);
    expect(await userChanges()).toBe(changes);
  });

  it.each([
    ["a passphrase of lower-case words", "all lower case words here"],
    ["no digit and no symbol", "OrchardLanternQuiet"],
    ["containing the user name among other words", "planner.kim walks the dunes"],
    ["non-Latin letters", "зелёный кит плывёт"],
  ])("when the password is %s, then it is accepted: no composition rules", async (_why, password) => {
    const username = `planner.kim.${randomUUID().slice(0, 6)}`;
    await gw.http.post("/v1/admin/users").set(await asAdmin()).send({ username, password, roles: ["crm_admin"] }).expect(201);
    await gw.http.post("/v1/auth/login").send({ username, password }).expect(200);
  });
});

describe("changing or resetting a password", () => {
  it.each(REFUSED)("when the new password is %s, then 400 saying why, and the old password still works", async (_why, username, password, reason) => {
    const original = `original ${randomUUID()}`;
    const created = await gw.http.post("/v1/admin/users").set(await asAdmin()).send({ username: `${username}.${randomUUID().slice(0, 4)}`, password: original, roles: ["crm_admin"] }).expect(201);
    // The name check applies to the stored name: rename the case to it.
    await gw.dataSource.query("UPDATE admin_users SET username = ? WHERE id = ?", [username, created.body.id]);
    const changes = await userChanges();
    const before = await gw.dataSource.query("SELECT password_hash FROM admin_users WHERE id = ?", [created.body.id]);

    const response = await gw.http.patch(`/v1/admin/users/${created.body.id}`).set(await asAdmin()).send({ password });
    expectRefusedPassword(response, password, reason);
    expect(await gw.dataSource.query("SELECT password_hash FROM admin_users WHERE id = ?", [created.body.id])).toEqual(before);
    expect(await userChanges()).toBe(changes);
    await gw.http.post("/v1/auth/login").send({ username, password: original }).expect(200);
    await gw.dataSource.query("DELETE FROM admin_users WHERE id = ?", [created.body.id]);
  });
});

describe("the bootstrap admin", () => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    for (const database of databases.splice(0)) await database.drop();
  });

  it.each([
    ["common", "password1234"],
    ["the user name", "admin-admin-admin"],
    ["too short", "short-pass"],
  ])("when GATEWAY_ADMIN_PASSWORD is %s, then start-up stops with a message naming the setting, and no admin is created", async (_why, password) => {
    const database = await createTestDatabase();
    databases.push(database);
    const failure = await startTestGateway({ database, env: { GATEWAY_ADMIN_PASSWORD: password } }).then(() => undefined, (error: Error) => error);
    expect(failure?.message).toMatch(/^GATEWAY_ADMIN_PASSWORD /);
    expect(failure?.message).not.toContain(password);
    const inspector = await startTestGateway({ database, env: { GATEWAY_ADMIN_PASSWORD: "" } });
    try {
      expect(await inspector.dataSource.query("SELECT id FROM admin_users")).toEqual([]);
    } finally {
      await inspector.stop();
    }
  });
});
