import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_AUDIT_ROW_BYTES } from "../src/audit/audit-log";
import { AppError } from "../src/http/problem";
import { eventsWhere, writeEvent } from "./audit.support";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { send } from "./support/raw-http";

/**
 * The audit log cannot be flooded: callers without a valid credential are throttled per address
 * before they reach it, identical refusals beyond the first few of a window are counted rather than
 * written one by one (and their number written when the window closes or the gateway stops), and no
 * row can grow past MAX_AUDIT_ROW_BYTES whatever a caller sends.
 */
const FLOOD = 700;
const LIMIT = 60;
const SINGLY = 10;
const LONG_PATH = `/v1/customers/${"a".repeat(4096)}`;

interface StoredRow { action: string; reason: string | null; status: number | string; request_id: string; detail: string | null }

/** Every column of the rows as text, and its size in bytes. */
async function stored(gw: TestGateway, where = "1 = 1"): Promise<{ rows: Record<string, unknown>[]; bytes: number; largest: number }> {
  const rows: Record<string, unknown>[] = await eventsWhere(gw, where);
  const sizes = rows.map((row) => Buffer.byteLength(Object.values(row).map((value) => String(value ?? "")).join(""), "utf8"));
  return { rows, bytes: sizes.reduce((sum, size) => sum + size, 0), largest: Math.max(0, ...sizes) };
}

/** How many requests the refusal rows account for: one each, plus the counts of the aggregated ones. */
const accountedFor = (rows: StoredRow[]) =>
  rows.reduce((sum, row) => sum + ((row.detail && (JSON.parse(row.detail) as { repeated?: { count: number } }).repeated?.count) || 1), 0);

describe("a flood of refused bearer tokens from one address", () => {
  let database: TestDatabase;
  let gw: TestGateway;
  let before: number;
  const statuses: number[] = [];
  let floodMs = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    gw = await startTestGateway({ database, env: { AUTH_FAILURE_RATE_LIMIT_PER_MINUTE: String(LIMIT), AUDIT_REFUSALS_SINGLY_PER_WINDOW: String(SINGLY) } });
    before = (await stored(gw)).rows.length;
    const started = performance.now();
    for (let batch = 0; batch < FLOOD; batch += 20) {
      const answers = await Promise.all(Array.from({ length: Math.min(20, FLOOD - batch) }, (_, i) =>
        send(gw.url, { method: "GET", path: `${LONG_PATH}?purpose=service_delivery`, headers: { Authorization: `Bearer not-a-token-${batch + i}` } })));
      statuses.push(...answers.map((answer) => answer.status));
    }
    floodMs = performance.now() - started;
  }, 120_000);
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  it("when 700 requests with 4 kB paths and bad tokens arrive, then the address is throttled after the limit: 401s, then 429s", () => {
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(FLOOD - LIMIT);
    expect(statuses.slice(LIMIT + 20)).toEqual(Array<number>(FLOOD - LIMIT - 20).fill(429));
    console.info(`700 refused requests in ${Math.round(floodMs)} ms`);
  });

  it("then the audit log grew by a bounded number of small rows, none holding the path or the token", async () => {
    const after = await stored(gw);
    const added = after.rows.slice(before);
    // The first SINGLY of each kind (401 token_malformed, 429 rate_limited) one by one; the rest counted in memory.
    expect(added).toHaveLength(2 * SINGLY);
    expect(after.largest).toBeLessThan(1024);
    const text = JSON.stringify(added);
    expect(text).not.toContain("aaaaaaaa");
    expect(text).not.toContain("not-a-token");
    expect(added.map((row) => JSON.parse(String(row.detail)))).toContainEqual({ route: "GET /v1/customers/:id" });
    console.info(`audit rows added: ${added.length}, ${Buffer.byteLength(text)} bytes`);
  });

  it("when the gateway stops, then one event per kind records how many more were refused: every request is accounted for", async () => {
    await gw.stop();
    gw = await startTestGateway({ database });
    const refusals = (await eventsWhere<StoredRow>(gw, "action = 'auth.bearer'"));
    expect(accountedFor(refusals)).toBe(FLOOD);
    const aggregated = refusals.filter((row) => row.detail?.includes("repeated"));
    expect(aggregated.map((row) => [Number(row.status), row.reason])).toEqual(expect.arrayContaining([[401, "token_malformed"], [429, "rate_limited"]]));
    expect(aggregated).toHaveLength(2);
  });
});

describe("the refusal window", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { AUDIT_REFUSALS_SINGLY_PER_WINDOW: "1", AUDIT_REFUSAL_WINDOW_SECONDS: "1" } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("when a window closes, then the refusals counted in it are written as one event with their number, the last request id and the time span", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(String((await gw.http.get("/v1/purposes").set("Authorization", `Bearer garbage-${i}`).expect(401)).headers["x-request-id"]));
    let rows: StoredRow[] = [];
    for (let wait = 0; wait < 40 && rows.length < 2; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = await eventsWhere<StoredRow>(gw, "action = 'auth.bearer'");
    }
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ request_id: ids[0], reason: "token_malformed" });
    expect(rows[1]).toMatchObject({ request_id: ids[4], reason: "token_malformed" });
    expect(JSON.parse(rows[1]!.detail!)).toEqual({ repeated: { count: 4, from: expect.any(String), to: expect.any(String) } });
  });
});

describe("the audit writer's row limit", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it.each([
    ["a detail over the row limit", { detail: { blob: "x".repeat(MAX_AUDIT_ROW_BYTES) } }],
    ["fields over the row limit", { fields: Array.from({ length: 8000 }, (_, i) => `field${i}`) }],
    ["an actor id over its column's width", { actorId: "x".repeat(65) }],
    ["a reason over its column's width", { reason: "r".repeat(65) }],
  ])("when an event holds %s, then the writer refuses it with a 503 and writes nothing, on every database alike", async (_name, input) => {
    const count = async () => (await eventsWhere(gw, "action = 'test.event'")).length;
    const before = await count();
    const refused = await writeEvent(gw, input).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(503);
    expect(await count()).toBe(before);
  });

  it("when an event is large but within the limit (a full page of a customer list), then it is written", async () => {
    await writeEvent(gw, { detail: { customerIds: Array.from({ length: 500 }, () => crypto.randomUUID()), consentIds: Array.from({ length: 500 }, () => crypto.randomUUID()) } });
  });
});
