import os from "node:os";
import path from "node:path";

/** The benchmark gateway's data directory: its token and audit keys, which the seed signs with too. */
export const BENCH_DATA_DIR = path.join(os.tmpdir(), "gw-bench-data");

/** The benchmark's settings, from BENCH_* variables; every one has a default so `npm run bench` needs none. */
/** A database beside the bench's own, on the same server: its name with `_<suffix>`. */
export function siblingDatabaseUrl(databaseUrl: string, suffix: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `${url.pathname}_${suffix}`;
  return url.toString();
}

export interface BenchConfig {
  seconds: number;
  connections: number;
  customers: number;
  auditEvents: number;
  reseed: boolean;
  /** Server processes on EACH side: gateway workers and baseline workers alike. */
  workers: number;
  complianceQueries: number;
  /** Inclusion proofs asked for, one at a time, of random integrated events. */
  proofRequests: number;
  /** Another checkout (an earlier commit) whose read path is measured against this one's, alternating; unset: none. */
  compareWith?: string;
  compareRounds: number;
  databaseUrl: string;
  resultsFile: string;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const databaseUrl = env.BENCH_DATABASE_URL || "mysql://root@127.0.0.1:3306/gw_bench";
  const host = new URL(databaseUrl).hostname;
  // The load and the data stay on this machine.
  if (host !== "127.0.0.1" && host !== "localhost") throw new Error("BENCH_DATABASE_URL must point at 127.0.0.1");
  return {
    seconds: Math.min(positive(env, "BENCH_SECONDS", 20), 120),
    connections: Math.min(positive(env, "BENCH_CONNECTIONS", 50), 1000),
    customers: positive(env, "BENCH_CUSTOMERS", 100_000),
    auditEvents: positive(env, "BENCH_AUDIT_EVENTS", 1_000_000),
    reseed: env.BENCH_RESEED === "1",
    workers: Math.min(positive(env, "BENCH_WORKERS", os.availableParallelism()), 16),
    complianceQueries: Math.min(positive(env, "BENCH_COMPLIANCE_QUERIES", 200), 5000),
    proofRequests: Math.min(positive(env, "BENCH_PROOF_REQUESTS", 1000), 10_000),
    ...(env.BENCH_COMPARE_WITH ? { compareWith: env.BENCH_COMPARE_WITH } : {}),
    compareRounds: Math.min(positive(env, "BENCH_COMPARE_ROUNDS", 3), 10),
    databaseUrl,
    resultsFile: path.resolve(env.BENCH_RESULTS_FILE || "bench/results/latest.json"),
  };
}
