import os from "node:os";
import type { BenchConfig } from "./bench-config";
import type { LoadSpec } from "./load";
import { runLoad } from "./load-phase";
import type { PhaseResult } from "./report";
import { cpuSeconds, databaseServerPid, type ServerProcess } from "./servers";

/** What every load phase shares: the gateway's settings, the read-path load, warm-up, and CPU per request. */
export const WARM_UP_SECONDS = 3;
export const log = (line: string) => console.log(`[bench] ${line}`);
export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function gatewayEnv(config: BenchConfig, dataDir: string, databaseUrl = config.databaseUrl): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    GATEWAY_WORKERS: String(config.workers),
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || "info",
    // The benchmark is one client at full speed; per-client throttling would only measure the limiter.
    RATE_LIMIT_PER_MINUTE: "1000000000",
    LOOKUP_RATE_LIMIT_PER_MINUTE: "1000000000",
    TOKEN_RATE_LIMIT_PER_MINUTE: "1000000",
    LOGIN_RATE_LIMIT_PER_MINUTE: "1000000",
    // The webhook phase's receiver listens on this machine.
    WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
  };
}

/** The machine's one-minute load average, to one decimal: what other work there was while a figure was taken. */
export const loadAverage = () => Math.round(os.loadavg()[0]! * 10) / 10;

/** CPU milliseconds per request, from CPU seconds. */
export const msPerRequest = (cpu: number, requests: number) => Math.round((cpu * 1000 * 100) / Math.max(1, requests)) / 100;

/**
 * A load phase, plus the CPU time per request of the server and of the local database server (which
 * also counts whatever else used the database meanwhile): on a machine where all of them share two
 * cores, these say where the time goes.
 */
export async function measuredLoad(server: ServerProcess, spec: LoadSpec, databaseUrl: string): Promise<PhaseResult> {
  const databasePid = databaseServerPid(Number(new URL(databaseUrl).port || 3306));
  const before = { server: cpuSeconds(server.pid), database: databasePid ? cpuSeconds(databasePid) : 0 };
  const result = await runLoad(spec);
  const serverCpu = cpuSeconds(server.pid) - before.server;
  const database = databasePid ? cpuSeconds(databasePid) - before.database : undefined;
  return {
    ...result,
    serverCpuMsPerRequest: msPerRequest(serverCpu, result.requests),
    ...(database === undefined ? {} : { databaseCpuMsPerRequest: msPerRequest(database, result.requests) }),
  };
}

export function readLoad(config: BenchConfig, url: string, token: string, ids: string[], seconds = config.seconds): LoadSpec {
  return {
    url, seconds, connections: config.connections, method: "GET", path: "/v1/customers/{value}?purpose=service_delivery",
    values: ids, headers: { authorization: `Bearer ${token}` },
  };
}

/** The read-path load after its warm-up, measured; `ready` runs between the two. */
export async function warmAndMeasureReads(
  config: BenchConfig, server: ServerProcess, token: string, ids: string[], ready: () => Promise<void> = async () => undefined,
): Promise<PhaseResult> {
  await runLoad(readLoad(config, server.url, token, ids, WARM_UP_SECONDS));
  await pause(1000);
  await ready();
  return measuredLoad(server, readLoad(config, server.url, token, ids), config.databaseUrl);
}
