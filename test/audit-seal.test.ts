import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { sealAuditEvents, startAuditSealer } from "../src/audit/audit-seal";
import { createLogger } from "../src/ops/logger";
import { createDataSource } from "../src/db/data-source";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { dropTriggers, eventsWhere, letEventsSettle, recreateTriggers, verify, writeEvent } from "./audit.support";
import { countRows } from "./support/db-state";

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

async function rogueInsert(gateway: TestGateway, seq: number, id = randomUUID()): Promise<string> {
  await gateway.dataSource.query(
    "INSERT INTO audit_events (seq, id, at, actor_type, actor_id, action, decision, status, request_id, ip) VALUES (?, ?, ?, 'system', 'test', 'test.event', 'allow', 200, 'rogue', '127.0.0.1')",
    [seq, id, gateway.clock.read().toISOString()],
  );
  return id;
}

const maxSeq = async (gateway: TestGateway) => Number((await gateway.dataSource.query("SELECT MAX(seq) AS seq FROM audit_events"))[0].seq);

/** A gateway whose log holds logins, reads and a deliberate gap in seq, all sealed. */
async function sealedGateway(): Promise<{ gateway: TestGateway; ids: string[]; gap: number }> {
  const gateway = await startTestGateway();
  gw = gateway;
  await gateway.adminToken();
  await gateway.http.post("/v1/auth/login").send({ username: "admin", password: "wrong-password-1" }).expect(401);
  await writeEvent(gateway, { actorType: "dealer", action: "customer.read", customerId: randomUUID(), fields: ["name", "email"], detail: { note: "é ✓" } });
  const gap = (await maxSeq(gateway)) + 1;
  await rogueInsert(gateway, gap + 2);
  await writeEvent(gateway, { action: "test.after_gap" });
  letEventsSettle(gateway);
  const result = await verify(gateway);
  expect(result).toMatchObject({ ok: true });
  const ids = (await eventsWhere<{ id: string }>(gateway, "1 = 1")).map((row) => row.id);
  expect(result.checked).toBe(ids.length - 1);
  return { gateway, ids, gap };
}

describe("append-only tables", () => {
  it.each(["audit_events", "audit_seals"])("when anyone updates or deletes %s, then the database refuses", async (table) => {
    const { gateway } = await sealedGateway();
    const before = await countRows(gateway, table);
    const column = table === "audit_events" ? "reason" : "event_hash";
    await expect(gateway.dataSource.query(`UPDATE ${table} SET ${column} = 'x'`)).rejects.toThrow(/append-only/);
    await expect(gateway.dataSource.query(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
    expect(await countRows(gateway, table)).toBe(before);
  });
});

describe("GET /v1/audit/verify", () => {
  it("when the log is untouched, then it verifies, and events younger than the settle window wait", async () => {
    const { gateway, ids } = await sealedGateway();
    expect(await countRows(gateway, "audit_seals")).toBe(ids.length - 1);
    await writeEvent(gateway);
    const again = await verify(gateway);
    expect(again).toMatchObject({ ok: true, checked: ids.length - 1 });
    expect(again.unsealed).toBeGreaterThanOrEqual(2);
    letEventsSettle(gateway);
    const settled = await verify(gateway);
    expect(settled.ok).toBe(true);
    expect(settled.checked).toBeGreaterThan(again.checked);
  });

  it("when a verify is made, then it is itself an audit event", async () => {
    const { gateway } = await sealedGateway();
    const events = await eventsWhere(gateway, "action = 'audit.verify'");
    expect(events).toHaveLength(1);
  });

  it("when a rogue DBA changes a sealed event, then verify names it", async () => {
    const { gateway, ids } = await sealedGateway();
    await dropTriggers(gateway, "audit_events");
    await gateway.dataSource.query("UPDATE audit_events SET decision = 'allow', reason = NULL WHERE id = ?", [ids[1]]);
    await recreateTriggers(gateway, "audit_events");
    expect(await verify(gateway)).toMatchObject({ ok: false, firstBadEventId: ids[1], problem: "changed" });
  });

  it("when a rogue DBA changes only the detail JSON of a sealed event, then verify names it", async () => {
    const { gateway, ids } = await sealedGateway();
    await dropTriggers(gateway, "audit_events");
    await gateway.dataSource.query("UPDATE audit_events SET detail = '{\"note\":\"e\"}' WHERE id = ?", [ids[3]]);
    expect(await verify(gateway)).toMatchObject({ ok: false, firstBadEventId: ids[3], problem: "changed" });
  });

  it("when a rogue DBA deletes a sealed event, then verify names the deleted event", async () => {
    const { gateway, ids } = await sealedGateway();
    await dropTriggers(gateway, "audit_events");
    await gateway.dataSource.query("DELETE FROM audit_events WHERE id = ?", [ids[1]]);
    expect(await verify(gateway)).toMatchObject({ ok: false, firstBadEventId: ids[1], problem: "deleted" });
  });

  it("when a rogue DBA inserts an event with a seq inside the sealed range, then verify names it", async () => {
    const { gateway, gap } = await sealedGateway();
    const inserted = await rogueInsert(gateway, gap);
    expect(await verify(gateway)).toMatchObject({ ok: false, firstBadEventId: inserted, problem: "inserted" });
  });

  it("when a rogue DBA rewrites an event and its seal's event hash, then the broken chain names it", async () => {
    const { gateway, ids } = await sealedGateway();
    await dropTriggers(gateway, "audit_seals");
    await gateway.dataSource.query("UPDATE audit_seals SET event_hash = ? WHERE event_id = ?", ["0".repeat(64), ids[2]]);
    expect(await verify(gateway)).toMatchObject({ ok: false, firstBadEventId: ids[2], problem: "seal_altered" });
  });
});

describe("sealing", () => {
  it("when a younger event precedes older ones in seq, then sealing stops before it, leaving no gap behind", async () => {
    const gateway = await startTestGateway();
    gw = gateway;
    await writeEvent(gateway, { action: "test.first" });
    gateway.clock.advance(60_000);
    await writeEvent(gateway, { action: "test.young" });
    gateway.clock.advance(-60_000);
    await writeEvent(gateway, { action: "test.skewed_clock" });
    gateway.clock.advance(20_000);
    expect(await sealAuditEvents(gateway.dataSource, gateway.clock.read)).toBe(1);
    const seals: { event_id: string }[] = await gateway.dataSource.query("SELECT event_id FROM audit_seals");
    const [first] = await eventsWhere<{ id: string }>(gateway, "action = 'test.first'");
    expect(seals.map((seal) => seal.event_id)).toEqual([first!.id]);
  });

  it("when several processes seal at once, then every event is sealed exactly once and the chain verifies", async () => {
    const gateway = await startTestGateway();
    gw = gateway;
    for (let i = 0; i < 1200; i += 1) await writeEvent(gateway, { action: "test.bulk" });
    letEventsSettle(gateway);
    const others = [createDataSource(gateway.database.url, 2), createDataSource(gateway.database.url, 2)];
    await Promise.all(others.map((source) => source.initialize()));
    try {
      const sealed = await Promise.all([
        sealAuditEvents(gateway.dataSource, gateway.clock.read, { lockWaitSeconds: 10 }),
        ...others.map((source) => sealAuditEvents(source, gateway.clock.read, { lockWaitSeconds: 10 })),
      ]);
      expect(sealed.reduce((a, b) => a + b, 0)).toBe(1200);
    } finally {
      await Promise.all(others.map((source) => source.destroy()));
    }
    expect(await countRows(gateway, "audit_seals")).toBe(1200);
    expect(await verify(gateway)).toMatchObject({ ok: true, checked: 1200 });
  });

  it("when the background sealer runs, then settled events get sealed without anyone asking", async () => {
    const gateway = await startTestGateway();
    gw = gateway;
    await writeEvent(gateway);
    letEventsSettle(gateway);
    const sealer = startAuditSealer({ dataSource: gateway.dataSource, clock: gateway.clock.read, logger: createLogger("silent") }, { intervalMs: 20 });
    try {
      await expect.poll(() => countRows(gateway, "audit_seals"), { timeout: 5000 }).toBe(await countRows(gateway, "audit_events"));
    } finally {
      await sealer.stop();
    }
  });
});
