import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { BENCH_DATA_DIR, siblingDatabaseUrl, type BenchConfig } from "./bench-config";
import { COMPILED_GATEWAY, compiledBenchScript } from "./compiled-gateway";
import { dealerToken } from "./gateway-client";
import { runLoad } from "./load-phase";
import { gatewayEnv, loadAverage, log, msPerRequest, pause, readLoad, WARM_UP_SECONDS, warmAndMeasureReads } from "./phases";
import type { PhaseResult } from "./report";
import type { BenchDataset } from "./seed";
import { cpuSeconds, startServer, type ServerProcess } from "./servers";

/**
 * The read path of this checkout against another one (BENCH_COMPARE_WITH, a checkout of an earlier
 * commit, such as the one before signing at write), on the same machine in the same run: each has
 * its own database seeded by its own bench with the same parameters (against the unsigned variant of
 * this checkout, both sides share one), and the two are measured in
 * alternating rounds (this, other; other, this; ...) so that drift in the machine's load falls on both.
 * After each measurement both sit idle for a while, so that background work a phase leaves behind
 * (the earlier commit sealed events 10 to 25 s after they were written) does not land on the next
 * phase, which may be the other checkout's.
 */
const SETTLE_SECONDS = 25;
/**
 * Rounds at once come twice as many as the alternating ones, and settle for less: both sides meet the
 * same background work, and one round's figure still moves by several points from the next.
 */
const SIMULTANEOUS_ROUNDS_PER_ROUND = 2;
const SIMULTANEOUS_SETTLE_SECONDS = 5;

export interface ReadPathComparison {
  otherCheckout: string;
  otherCommit: string;
  rounds: { thisCheckout: PhaseResult; otherCheckout: PhaseResult; loadAverage: number }[];
  /** Medians over the rounds. */
  thisMedian: MedianFigures;
  otherMedian: MedianFigures;
  /** This checkout's median req/s against the other's, in percent: negative when this one is slower. */
  rpsChangePercent: number;
  /** The median is over the rounds without failed requests (`counted` of them). */
  simultaneous: { rounds: SimultaneousRound[]; medianChangePercent: number; counted: number };
}

export interface SimultaneousRound {
  thisRps: number;
  otherRps: number;
  /** Failed or non-2xx requests on both sides together; a round with any is left out of the median. */
  errors: number;
  thisServerCpuMsPerRequest: number;
  otherServerCpuMsPerRequest: number;
  changePercent: number;
  loadAverage: number;
}

interface Side {
  server: ServerProcess;
  /**
   * A fresh dealer token for each measurement: the comparison outlasts a token's lifetime (ten minutes
   * by default), and a load answered with 401s is fast, not a measurement.
   */
  token: () => Promise<string>;
  ids: string[];
}

const percentChange = (value: number, reference: number) => Math.round(((value - reference) / Math.max(1, reference)) * 1000) / 10;

/**
 * Both sides under the read load at the same time, each with half the connections. On a shared host
 * the speed the machine gives fluctuates within a minute (from one alternating round to the next, the
 * same side's req/s and even its CPU per request moved by a third); loaded together, both sides meet
 * the same moment. MariaDB serves both, so part of the database work of this side's integration also
 * slows the other one: this figure understates the cost of this side's background work by that much.
 */
async function simultaneousRound(config: BenchConfig, sides: [Side, Side]): Promise<SimultaneousRound> {
  const connections = Math.max(1, Math.floor(config.connections / 2));
  const tokens = await Promise.all(sides.map((side) => side.token()));
  const load = (i: number, seconds: number) => runLoad({ ...readLoad(config, sides[i]!.server.url, tokens[i]!, sides[i]!.ids, seconds), connections });
  await Promise.all(sides.map((_, i) => load(i, WARM_UP_SECONDS)));
  await pause(1000);
  const machineLoad = loadAverage();
  const cpuBefore = sides.map((side) => cpuSeconds(side.server.pid));
  const [mine, theirs] = await Promise.all(sides.map((_, i) => load(i, config.seconds)));
  const cpu = sides.map((side, i) => cpuSeconds(side.server.pid) - cpuBefore[i]!);
  return {
    thisRps: mine!.rps, otherRps: theirs!.rps, errors: mine!.errors + theirs!.errors, loadAverage: machineLoad,
    thisServerCpuMsPerRequest: msPerRequest(cpu[0]!, mine!.requests),
    otherServerCpuMsPerRequest: msPerRequest(cpu[1]!, theirs!.requests),
    changePercent: percentChange(mine!.rps, theirs!.rps),
  };
}

export interface MedianFigures {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuMsPerRequest: number;
  databaseCpuMsPerRequest?: number;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Math.round(((sorted[middle - 1]! + sorted[middle]!) / 2) * 100) / 100;
};

function medians(results: PhaseResult[]): MedianFigures {
  const database = results.map((r) => r.databaseCpuMsPerRequest).filter((value): value is number => value !== undefined);
  return {
    rps: median(results.map((r) => r.rps)), p50Ms: median(results.map((r) => r.p50Ms)), p99Ms: median(results.map((r) => r.p99Ms)),
    serverCpuMsPerRequest: median(results.map((r) => r.serverCpuMsPerRequest)),
    ...(database.length ? { databaseCpuMsPerRequest: median(database) } : {}),
  };
}

/** The other checkout's bench seeds (or reuses) its own dataset, in its own process, with its own code. */
async function otherDataset(dir: string, config: BenchConfig, databaseUrl: string): Promise<Pick<BenchDataset, "clientId" | "clientSecret" | "readableCustomerIds">> {
  const script = "require('./bench/seed.ts').prepareDataset(require('./bench/bench-config.ts').loadBenchConfig(), (line) => console.error('[bench, other checkout] ' + line))" +
    ".then((dataset) => process.stdout.write(JSON.stringify(dataset)), (error) => { console.error(error); process.exit(1); })";
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: dir, stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_CUSTOMERS: String(config.customers), BENCH_AUDIT_EVENTS: String(config.auditEvents) },
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`the other checkout's seed failed (${code})`))));
  });
}

/** BENCH_COMPARE_WITH=unsigned: this checkout without signing at write (bench/unsigned-gateway.ts). */
export const UNSIGNED = "unsigned";

/** The other side: another checkout's sources, or this checkout's compiled gateway with signing taken out. */
function otherSide(compareWith: string): { dir: string; script: string; label: string; dataDir: string } {
  // The same keys as this checkout's gateway, which its seed signed the dataset with.
  if (compareWith === UNSIGNED) return { dir: process.cwd(), script: compiledBenchScript("unsigned-gateway"), label: "without signing at write", dataDir: BENCH_DATA_DIR };
  // An earlier checkout runs from its sources through tsx, which costs a gateway about a tenth of its
  // req/s on this host (compiled-gateway.ts): against it, this checkout's figures are flattered.
  const dir = path.resolve(compareWith);
  const label = execFileSync("git", ["-C", dir, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  return { dir, script: "src/main.ts", label, dataDir: `${BENCH_DATA_DIR}-other` };
}

export async function compareReadPath(
  config: BenchConfig, rounds: number, compareWith: string, gateway: ServerProcess, dataset: BenchDataset,
): Promise<ReadPathComparison> {
  const { dir: otherDir, script, label: otherCommit, dataDir } = otherSide(compareWith);
  // The other checkout's database: this one's name with `_other`, so both datasets stay side by side.
  const databaseUrl = siblingDatabaseUrl(config.databaseUrl, "other");
  log(`read path compared with ${otherDir} (${otherCommit}), database ${new URL(databaseUrl).pathname.slice(1)}`);
  const other = await otherDataset(otherDir, config, databaseUrl);
  const otherGateway = await startServer({
    name: `gateway (${otherCommit})`, script, readyPath: "/readyz", cwd: otherDir,
    env: gatewayEnv(config, dataDir, databaseUrl),
  });
  // Against the unsigned variant, this side is a gateway of its own on the same database, started at the
  // same moment: the two differ in signing at write alone, not in their data or in what ran before.
  const sameDatabase = compareWith === UNSIGNED;
  const thisDataset = sameDatabase ? other : dataset;
  let thisGateway = gateway;
  try {
    if (sameDatabase) {
      thisGateway = await startServer({ name: "gateway (signing at write)", script: COMPILED_GATEWAY, readyPath: "/readyz", env: gatewayEnv(config, dataDir, databaseUrl) });
    }
    const sides: [Side, Side] = [
      { server: thisGateway, token: () => dealerToken(thisGateway.url, thisDataset.clientId, thisDataset.clientSecret), ids: thisDataset.readableCustomerIds },
      { server: otherGateway, token: () => dealerToken(otherGateway.url, other.clientId, other.clientSecret), ids: other.readableCustomerIds },
    ];
    const settled = async (result: PhaseResult) => {
      await pause(SETTLE_SECONDS * 1000);
      return result;
    };
    const measure = async (side: Side) => settled(await warmAndMeasureReads(config, side.server, await side.token(), side.ids));
    const measureThis = () => measure(sides[0]);
    const measureOther = () => measure(sides[1]);
    const results: ReadPathComparison["rounds"] = [];
    await pause(SETTLE_SECONDS * 1000);
    for (let round = 0; round < rounds; round++) {
      log(`read path, round ${round + 1} of ${rounds}: ${config.connections} connections for ${config.seconds} s on each checkout`);
      const machineLoad = loadAverage();
      if (round % 2 === 0) {
        const thisCheckout = await measureThis();
        results.push({ thisCheckout, otherCheckout: await measureOther(), loadAverage: machineLoad });
      } else {
        const otherCheckout = await measureOther();
        results.push({ thisCheckout: await measureThis(), otherCheckout, loadAverage: machineLoad });
      }
    }
    const simultaneous: SimultaneousRound[] = [];
    const roundsAtOnce = rounds * SIMULTANEOUS_ROUNDS_PER_ROUND;
    for (let round = 0; round < roundsAtOnce; round++) {
      log(`read path, both checkouts at once, round ${round + 1} of ${roundsAtOnce}: ${config.connections} connections between them for ${config.seconds} s`);
      simultaneous.push(await simultaneousRound(config, sides));
      await pause(SIMULTANEOUS_SETTLE_SECONDS * 1000);
    }
    const clean = simultaneous.filter((round) => round.errors === 0);
    const thisMedian = medians(results.map((r) => r.thisCheckout));
    const otherMedian = medians(results.map((r) => r.otherCheckout));
    return {
      otherCheckout: otherDir, otherCommit, rounds: results, thisMedian, otherMedian,
      rpsChangePercent: percentChange(thisMedian.rps, otherMedian.rps),
      simultaneous: { rounds: simultaneous, medianChangePercent: median(clean.map((round) => round.changePercent)), counted: clean.length },
    };
  } finally {
    await otherGateway.stop();
    if (thisGateway !== gateway) await thisGateway.stop();
  }
}
