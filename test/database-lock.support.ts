import { expect, it } from "vitest";
import { startContender, type LockTurn } from "./support/lock-contender";

/** Turns of several processes, in time order: each starts only after the one before has ended. */
function expectOneAtATime(turns: LockTurn[]): void {
  const starts = turns.filter((turn) => turn.event === "start").sort((a, b) => a.at - b.at);
  const ends = turns.filter((turn) => turn.event === "end").sort((a, b) => a.at - b.at);
  for (let i = 1; i < starts.length; i += 1) expect(starts[i]!.at).toBeGreaterThanOrEqual(ends[i - 1]!.at);
}

/**
 * The database lock (src/db/database-lock.ts) that keeps migrations, sealing and retention to one
 * process at a time, between real processes: their turns never overlap, and a holder that crashes
 * gives the lock up when its lease runs out.
 */
export function lockContentionTests(urls: () => [string, string]): void {
  it("when two processes contend for a lock, then only one holds it at a time and both get their turns", async () => {
    const [first, second] = urls();
    const contenders = [first, second].map((databaseUrl, i) =>
      startContender({ databaseUrl, label: `p${i}`, name: "contended", leaseMs: 2000, holdMs: 150, rounds: 6, pauseMs: 400, waitForGo: true }));
    await Promise.all(contenders.map((contender) => contender.reported("ready")));
    for (const contender of contenders) contender.go();
    expect(await Promise.all(contenders.map((contender) => contender.exited))).toEqual([0, 0]);
    const turns = contenders.flatMap((contender) => contender.turns);
    expect(turns.filter((turn) => turn.event === "start")).toHaveLength(12);
    expect(turns.filter((turn) => turn.event === "missed")).toHaveLength(0);
    // They did contend: each began its first turn before the other had finished its last.
    const span = (label: string) => turns.filter((turn) => turn.label === label && turn.event !== "ready").map((turn) => turn.at);
    expect(Math.min(...span("p1"))).toBeLessThan(Math.max(...span("p0")));
    expect(Math.min(...span("p0"))).toBeLessThan(Math.max(...span("p1")));
    expectOneAtATime(turns);
  }, 60_000);

  it("when the holder is killed, then the lock stays taken while its lease runs and another process takes over once it has expired", async () => {
    const [first, second] = urls();
    const leaseMs = 1500;
    const holder = startContender({ databaseUrl: first, label: "holder", name: "crashing", leaseMs, holdMs: Infinity });
    await holder.reported("start");
    const waiter = startContender({ databaseUrl: second, label: "waiter", name: "crashing", leaseMs, holdMs: 0, waitSeconds: 30 });
    try {
      // The holder renews its lease: the waiter stays out for several leases.
      await waiter.reported("ready");
      await new Promise((resolve) => setTimeout(resolve, 3 * leaseMs));
      expect(waiter.turns.map((turn) => turn.event)).toEqual(["ready"]);
      const killedAt = Date.now();
      holder.process.kill("SIGKILL");
      const taken = await waiter.reported("start");
      expect(taken.at - killedAt).toBeLessThan(leaseMs + 1500);
      expect(await waiter.exited).toBe(0);
    } finally {
      holder.process.kill("SIGKILL");
      waiter.process.kill("SIGKILL");
    }
  }, 60_000);
}
