import { describe, expect, it } from "vitest";
import { integrateOnTurn, type IntegrationTurn } from "../src/audit/audit-integrator";
import { generateAuditKey } from "../src/audit/audit-key";
import { createAuditLog } from "../src/audit/audit-log";
import { createLogger } from "../src/ops/logger";
import { useMigratedDatabase } from "./support/migrated-database";

/** The timers of several gateway processes, driven tick by tick on one database, with no gateway's own timer in between. */
const opened = useMigratedDatabase();
const key = generateAuditKey();
const clock = () => new Date();

const deps = () => ({ dataSource: opened.dataSource, key, clock, logger: createLogger("silent") });

async function write(events = 3): Promise<void> {
  const log = createAuditLog(opened.dataSource, clock, key);
  for (let i = 0; i < events; i++) {
    await log.record({ actorType: "system", actorId: "test", action: "test.turn", decision: "allow", status: 200, requestId: `req-${i}`, ip: "127.0.0.1" });
  }
}

/** Who integrated on a tick ("a: 3"), and who left it to another ("b: -"). */
async function tick(name: string, turn: IntegrationTurn): Promise<string> {
  const integrated = await integrateOnTurn(deps(), turn);
  return `${name}: ${integrated ?? "-"}`;
}

async function checkpoints(): Promise<number> {
  const rows: { n: number | string }[] = await opened.dataSource.query("SELECT COUNT(*) AS n FROM audit_checkpoints");
  return Number(rows[0]!.n);
}

describe("the integrator's timer in several processes", () => {
  it("when one process runs it, then every tick with events pending integrates them", async () => {
    const alone: IntegrationTurn = {};
    for (let i = 0; i < 3; i++) {
      await write();
      expect(await tick("alone", alone)).toBe("alone: 3");
    }
  });

  it("when three processes run it, then one keeps the rhythm, the others leave their ticks to it, and one takes over a tick after it stops", async () => {
    const a: IntegrationTurn = {};
    const b: IntegrationTurn = {};
    const c: IntegrationTurn = {};
    const ticks: string[] = [];
    // A process's first tick knows nothing of the others: each integrates what it finds.
    for (const [name, turn] of [["a", a], ["b", b], ["c", c]] as const) {
      await write();
      ticks.push(await tick(name, turn));
    }
    const before = await checkpoints();
    for (let round = 0; round < 3; round++) {
      await write();
      for (const [name, turn] of [["a", a], ["b", b], ["c", c]] as const) ticks.push(await tick(name, turn));
    }
    expect(await checkpoints()).toBe(before + 3);
    // c stops: a and b each see its last checkpoint once, then the first of them to tick again keeps the rhythm.
    await write();
    for (let round = 0; round < 2; round++) for (const [name, turn] of [["a", a], ["b", b]] as const) ticks.push(await tick(name, turn));
    expect(ticks).toEqual([
      "a: 3", "b: 3", "c: 3",
      "a: -", "b: -", "c: 3",
      "a: -", "b: -", "c: 3",
      "a: -", "b: -", "c: 3",
      "a: -", "b: -", "a: 3", "b: -",
    ]);
    const pending: { n: number | string }[] = await opened.dataSource.query("SELECT COUNT(*) AS n FROM audit_batches WHERE first_leaf IS NULL");
    expect(Number(pending[0]!.n)).toBe(0);
  });
});
