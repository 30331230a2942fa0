import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createDataSource } from "../../src/db/data-source";
import { withDatabaseLock } from "../../src/db/database-lock";

/**
 * A separate process that takes a gateway database lock (src/db/database-lock.ts) and reports on
 * stdout, one JSON line each, when it starts and ends its turn: for tests where processes contend for
 * a lock, and one of them crashes while holding it.
 */
export interface LockTurn {
  label: string;
  /** `ready`: connected, about to ask for the lock. */
  event: "ready" | "start" | "end" | "missed";
  at: number;
}

export interface ContenderOptions {
  databaseUrl: string;
  label: string;
  name?: string;
  leaseMs: number;
  /** How long each turn lasts; Infinity holds the lock until the process is killed. */
  holdMs: number;
  rounds?: number;
  /** Pause between rounds, as between a sealer's ticks (a process that asks again at once would mostly win). */
  pauseMs?: number;
  waitSeconds?: number;
  /** Waits, once connected, until go() is called: processes started together then contend from the same moment. */
  waitForGo?: boolean;
}

export interface Contender {
  process: ChildProcess;
  turns: LockTurn[];
  /** Resolves once the process reports `event` for the n-th time (1-based). */
  reported(event: LockTurn["event"], n?: number): Promise<LockTurn>;
  exited: Promise<number | null>;
  go(): void;
}

export function startContender(options: ContenderOptions): Contender {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "lock-contender.ts")], {
    cwd: path.resolve(__dirname, "../.."),
    env: { ...process.env, CONTENDER: JSON.stringify({ name: "test_lock", rounds: 1, waitSeconds: 30, ...options, holdMs: Number.isFinite(options.holdMs) ? options.holdMs : -1 }) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const turns: LockTurn[] = [];
  const waiting: (() => void)[] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) if (line.trim()) turns.push(JSON.parse(line) as LockTurn);
    for (const wake of waiting.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const reported = async (event: LockTurn["event"], n = 1): Promise<LockTurn> => {
    for (;;) {
      const found = turns.filter((turn) => turn.event === event)[n - 1];
      if (found) return found;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`contender ${options.label} ended before reporting ${event} #${n}`);
      await Promise.race([new Promise<void>((resolve) => waiting.push(resolve)), exited]);
    }
  };
  return { process: child, turns, reported, exited, go: () => child.stdin!.end("go\n") };
}

async function main(): Promise<void> {
  const options = JSON.parse(process.env.CONTENDER!) as Required<ContenderOptions>;
  const dataSource = createDataSource(options.databaseUrl, 2);
  await dataSource.initialize();
  const say = (event: LockTurn["event"]) => process.stdout.write(`${JSON.stringify({ label: options.label, event, at: Date.now() })}\n`);
  say("ready");
  if (options.waitForGo) await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.destroy();
  for (let round = 0; round < options.rounds; round += 1) {
    const outcome = await withDatabaseLock(dataSource, options.name, options.waitSeconds, async () => {
      say("start");
      await new Promise((resolve) => (options.holdMs < 0 ? setInterval(() => undefined, 60_000) : setTimeout(resolve, options.holdMs)));
      say("end");
    }, { leaseMs: options.leaseMs });
    if (!outcome.acquired) say("missed");
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 0));
  }
  await dataSource.destroy();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
