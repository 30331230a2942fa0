import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "./support/gateway";

/**
 * Distributed password guessing: wrong passwords for one account, each from another address and
 * through either of two gateway processes, meet a per-account backoff that the per-address limit
 * alone would not give. The caller cannot tell a closed account from a wrong password; the audit log
 * can. The backoff ends by itself, so the rightful owner is never locked out for good.
 */
const SETTINGS = { LOGIN_RATE_LIMIT_PER_MINUTE: "3", LOGIN_FAILURES_BEFORE_BACKOFF: "5", LOGIN_BACKOFF_BASE_SECONDS: "60", LOGIN_BACKOFF_MAX_SECONDS: "300" };

let a: TestGateway;
let b: TestGateway;
beforeAll(async () => {
  a = await startTestGateway({ env: SETTINGS });
  b = await startTestGateway({ env: SETTINGS, database: a.database, clock: a.clock });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

let address = 0;
/** Each sign-in from an address of its own (TRUST_PROXY is loopback, so the gateway believes X-Forwarded-For). */
const signIn = (gw: TestGateway, username: string, password: string) => {
  address += 1;
  return gw.http.post("/v1/auth/login").set("X-Forwarded-For", `198.51.${Math.floor(address / 250)}.${(address % 250) + 1}`).send({ username, password });
};

async function victim(): Promise<{ id: string; username: string; password: string }> {
  const username = `victim-${randomUUID().slice(0, 8)}`;
  const password = `the right one ${randomUUID()}`;
  const created = await a.http.post("/v1/admin/users").auth(await a.adminToken(), { type: "bearer" }).send({ username, password, roles: ["crm_admin"] }).expect(201);
  return { id: created.body.id, username, password };
}

const reasons = async (userId: string) =>
  ((await a.dataSource.query("SELECT reason FROM audit_events WHERE action = 'auth.login' AND actor_id = ? ORDER BY seq", [userId])) as { reason: string | null }[]).map((row) => row.reason);

/** What the caller sees, without what differs on every response. */
const seen = (response: { status: number; body: Record<string, unknown>; headers: Record<string, string> }) =>
  ({ status: response.status, body: { ...response.body, requestId: undefined }, retryAfter: response.headers["retry-after"], authenticate: response.headers["www-authenticate"] });

describe("per-account sign-in backoff", () => {
  it("when 40 wrong passwords for one user come from 40 addresses through two processes, then after 5 the account is closed, the right password is refused while it is, and works once the backoff is over", async () => {
    const user = await victim();
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(seen(await signIn(i % 2 ? b : a, user.username, `guess number ${i} ${randomUUID()}`)));
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 401, body: { code: "unauthorized" }, retryAfter: undefined });

    const whileClosed = seen(await signIn(b, user.username, user.password));
    expect(whileClosed).toEqual(answers[0]);
    expect(await reasons(user.id)).toEqual([...Array(5).fill("password_wrong"), ...Array(36).fill("account_throttled")]);

    a.clock.advance(59_000);
    expect((await signIn(a, user.username, user.password)).status).toBe(401);
    a.clock.advance(2_000);
    const owner = await signIn(b, user.username, user.password);
    expect(owner.status).toBe(200);
    await a.http.get("/v1/admin/dealers").auth(owner.body.access_token, { type: "bearer" }).expect(200);
    expect((await reasons(user.id)).slice(-2)).toEqual(["account_throttled", null]);

    // A success clears the count: one more typo does not close the account again.
    expect((await signIn(a, user.username, "a single typo here")).status).toBe(401);
    expect((await signIn(a, user.username, user.password)).status).toBe(200);
  });

  it("when the guessing goes on, then each closed period doubles up to LOGIN_BACKOFF_MAX_SECONDS, and never longer: the owner always gets back in", async () => {
    const user = await victim();
    for (let i = 0; i < 5; i++) await signIn(a, user.username, `warm-up guess ${i} ${randomUUID()}`).expect(401);
    const reasonOf = async (response: { headers: Record<string, string> }) =>
      ((await a.dataSource.query("SELECT reason FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]])) as { reason: string }[])[0]!.reason;
    for (const wait of [60, 120, 240, 300, 300, 300]) {
      a.clock.advance(wait * 1000 - 1000);
      const early = await signIn(b, user.username, user.password).expect(401);
      expect(await reasonOf(early), `${wait - 1} s in`).toBe("account_throttled");
      a.clock.advance(1000);
      // Open again: the guesser's next wrong password is checked, and closes the account for the next period.
      const guess = await signIn(a, user.username, `patient guess ${randomUUID()}`).expect(401);
      expect(await reasonOf(guess), `${wait} s in`).toBe("password_wrong");
    }
    a.clock.advance(300_000);
    await signIn(b, user.username, user.password).expect(200);
  });

  it("when a day passes without a wrong password, then the earlier failures are forgotten", async () => {
    const user = await victim();
    for (let i = 0; i < 5; i++) await signIn(a, user.username, `old guess ${i} ${randomUUID()}`).expect(401);
    a.clock.advance(24 * 60 * 60 * 1000);
    await signIn(a, user.username, "one fresh typo here").expect(401);
    await signIn(b, user.username, user.password).expect(200);
  });

  it("when the user name is unknown, then the same 401, audited user_unknown, and nothing is stored about the name", async () => {
    const user = await victim();
    for (let i = 0; i < 5; i++) await signIn(a, user.username, `guess ${i} ${randomUUID()}`).expect(401);
    const closed = seen(await signIn(a, user.username, user.password));
    const unknownName = `nobody-${randomUUID().slice(0, 8)}`;
    const unknown = await signIn(b, unknownName, "whatever it may be");
    expect(seen(unknown)).toEqual(closed);
    const [event] = (await a.dataSource.query("SELECT reason, actor_id, detail FROM audit_events WHERE request_id = ?", [unknown.headers["x-request-id"]])) as { reason: string; actor_id: string; detail: string | null }[];
    expect(event).toMatchObject({ reason: "user_unknown", actor_id: "anonymous" });
    expect(JSON.stringify(event)).not.toContain(unknownName);
  });

  it("when a process counts failures, then the state is in the user's row, which the API never shows", async () => {
    const user = await victim();
    await signIn(a, user.username, "wrong, once only").expect(401);
    const [row] = (await a.dataSource.query("SELECT failed_logins, last_failed_login_at FROM admin_users WHERE id = ?", [user.id])) as { failed_logins: number | string; last_failed_login_at: string }[];
    expect({ failed: Number(row!.failed_logins), at: row!.last_failed_login_at }).toEqual({ failed: 1, at: a.clock.read().toISOString() });
    const shown = await a.http.get(`/v1/admin/users/${user.id}`).auth(await a.adminToken(), { type: "bearer" }).expect(200);
    expect(Object.keys(shown.body).sort()).toEqual(["createdAt", "id", "roles", "updatedAt", "username"]);
  });
});
