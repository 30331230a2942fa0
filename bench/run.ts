import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mysql, { type Connection } from "mysql2/promise";
import { BENCH_DATA_DIR, loadBenchConfig, type BenchConfig } from "./bench-config";
import { measureExport, measureVerify, timeQueries } from "./compliance";
import { adminToken, dealerToken } from "./gateway-client";
import type { LoadSpec } from "./load";
import { runLoad } from "./load-phase";
import { judgeTargets, printReport, type BenchResults, type PhaseResult } from "./report";
import { prepareDataset, type BenchDataset } from "./seed";
import { cpuSeconds, databaseServerPid, startServer, type ServerProcess } from "./servers";

/**
 * `npm run bench`: seeds (or reuses) the dataset on the local MariaDB, then measures, in one run and
 * with the same load, the gateway's dealer read path against a bare express + mysql2 baseline, and the
 * compliance side: queries, CSV export with its memory, verification and lookups.
 */
const WARM_UP_SECONDS = 3;
const log = (line: string) => console.log(`[bench] ${line}`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function gatewayEnv(config: BenchConfig): Record<string, string> {
  return {
    DATABASE_URL: config.databaseUrl,
    GATEWAY_WORKERS: String(config.workers),
    DATA_DIR: BENCH_DATA_DIR,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || "info",
    // The benchmark is one client at full speed; per-client throttling would only measure the limiter.
    RATE_LIMIT_PER_MINUTE: "1000000000",
    LOOKUP_RATE_LIMIT_PER_MINUTE: "1000000000",
    TOKEN_RATE_LIMIT_PER_MINUTE: "1000000",
    LOGIN_RATE_LIMIT_PER_MINUTE: "1000000",
  };
}

async function scalar(db: Connection, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await db.query({ sql, rowsAsArray: true }, params);
  return Number((rows as unknown[][])[0]![0] ?? 0);
}

const databasePid = databaseServerPid();
const msPerRequest = (cpu: number, requests: number) => Math.round((cpu * 1000 * 100) / Math.max(1, requests)) / 100;

/**
 * A load phase, plus the CPU time per request of the server and of the local database server (which
 * also counts whatever else used the database meanwhile): on a machine where all of them share two
 * cores, these say where the time goes.
 */
async function measuredLoad(server: ServerProcess, spec: LoadSpec): Promise<PhaseResult> {
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

async function databaseVersion(db: Connection): Promise<string> {
  const [rows] = await db.query({ sql: "SELECT VERSION()", rowsAsArray: true });
  return String((rows as unknown[][])[0]![0]);
}

function readLoad(config: BenchConfig, url: string, token: string, ids: string[], seconds = config.seconds): LoadSpec {
  return {
    url, seconds, connections: config.connections, method: "GET", path: "/v1/customers/{value}?purpose=service_delivery",
    values: ids, headers: { authorization: `Bearer ${token}` },
  };
}

/** The gateway's read path under load, then its audit log checked against the 2xx answers it gave. */
async function gatewayReadPhase(config: BenchConfig, gateway: ServerProcess, dataset: BenchDataset, db: Connection) {
  const token = await dealerToken(gateway.url, dataset.clientId, dataset.clientSecret);
  await runLoad(readLoad(config, gateway.url, token, dataset.readableCustomerIds, WARM_UP_SECONDS));
  await pause(1000);
  const seqBefore = await scalar(db, "SELECT COALESCE(MAX(seq), 0) FROM audit_events");
  log(`gateway read path: ${config.connections} connections for ${config.seconds} s`);
  const result = await measuredLoad(gateway, readLoad(config, gateway.url, token, dataset.readableCustomerIds));
  await pause(1000);
  const allowed = await scalar(db, "SELECT COUNT(*) FROM audit_events WHERE seq > ? AND action = 'customer.read' AND decision = 'allow' AND actor_id = ?", [seqBefore, dataset.clientId]);
  const distinctRequests = await scalar(db, "SELECT COUNT(DISTINCT request_id) FROM audit_events WHERE seq > ? AND action = 'customer.read' AND actor_id = ?", [seqBefore, dataset.clientId]);
  const reads = await scalar(db, "SELECT COUNT(*) FROM audit_events WHERE seq > ? AND action = 'customer.read' AND actor_id = ?", [seqBefore, dataset.clientId]);
  return {
    result,
    audit: {
      allowEventsWritten: allowed,
      // Requests still in flight when the load stopped are answered and audited, but not counted by the load generator.
      eventsBeyondCountedResponses: Math.max(0, allowed - result.responses2xx),
      missing: Math.max(0, result.responses2xx - allowed),
      duplicates: reads - distinctRequests,
    },
  };
}

async function baselinePhase(config: BenchConfig, dataset: BenchDataset): Promise<PhaseResult> {
  const baseline = await startServer({
    name: "baseline", script: path.join(__dirname, "baseline-server.ts"), readyPath: "/healthz",
    env: { DATABASE_URL: config.databaseUrl, BASELINE_WORKERS: String(config.workers) },
  });
  try {
    await runLoad(readLoad(config, baseline.url, "unused", dataset.readableCustomerIds, WARM_UP_SECONDS));
    log(`baseline: ${config.connections} connections for ${config.seconds} s`);
    return await measuredLoad(baseline, readLoad(config, baseline.url, "unused", dataset.readableCustomerIds));
  } finally {
    await baseline.stop();
  }
}

async function lookupPhase(config: BenchConfig, gateway: ServerProcess, dataset: BenchDataset): Promise<PhaseResult> {
  const token = await dealerToken(gateway.url, dataset.clientId, dataset.clientSecret);
  log(`lookup by email: ${config.connections} connections for ${config.seconds} s`);
  return measuredLoad(gateway, {
    url: gateway.url, seconds: config.seconds, connections: config.connections, method: "POST", path: "/v1/customers/lookup?purpose=service_delivery",
    body: '{"email":"{value}"}', values: dataset.readableEmails, headers: { authorization: `Bearer ${token}` },
  });
}

async function compliancePhase(config: BenchConfig, gateway: ServerProcess, dataset: BenchDataset) {
  const token = await adminToken(gateway.url);
  const pickFrom = (ids: string[], param: string) => Array.from({ length: config.complianceQueries }, (_, i) => `/v1/audit/events?${param}=${ids[(i * 7919) % ids.length]}`);
  log(`compliance queries: ${config.complianceQueries} by customer, ${config.complianceQueries} by dealer`);
  const byCustomer = await timeQueries(gateway.url, token, pickFrom(dataset.auditedCustomerIds, "customerId"));
  const byDealer = await timeQueries(gateway.url, token, pickFrom(dataset.dealerIds, "dealerId"));
  log("CSV exports: one seeded dealer's events, then the whole log");
  const oneDealer = await measureExport(gateway.url, token, `?dealerId=${dataset.exportDealerId}`, gateway.pid);
  const everything = await measureExport(gateway.url, token, "", gateway.pid);
  log("verifying the audit chain");
  const verify = await measureVerify(gateway.url, token);
  return { byCustomer, byDealer, export: { oneDealer, everything }, verify };
}

async function main(): Promise<void> {
  const config = loadBenchConfig();
  // Other work on the machine shows in every figure; the load average says how much there was.
  const loadAtStart = Math.round(os.loadavg()[0]! * 10) / 10;
  const dataset = await prepareDataset(config, log);
  log(`dataset: ${dataset.readableCustomerIds.length} readable customers, ${dataset.auditEvents} audit events${dataset.seededNow ? ` (seeded in ${dataset.seedSeconds} s)` : " (reused)"}`);
  const db = await mysql.createConnection(config.databaseUrl);
  const gateway = await startServer({
    name: "gateway", script: "src/main.ts", readyPath: "/readyz", env: gatewayEnv(config),
    nodeArgs: process.env.BENCH_GATEWAY_NODE_ARGS?.split(" ").filter(Boolean),
  });
  try {
    const read = await gatewayReadPhase(config, gateway, dataset, db);
    const baseline = await baselinePhase(config, dataset);
    const lookup = await lookupPhase(config, gateway, dataset);
    const compliance = await compliancePhase(config, gateway, dataset);
    const results: BenchResults = {
      at: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, database: await databaseVersion(db),
        loadAverageAtStart: loadAtStart, loadAverageAtEnd: Math.round(os.loadavg()[0]! * 10) / 10,
      },
      params: { seconds: config.seconds, connections: config.connections, serverProcesses: config.workers, customers: config.customers, auditEventsAtStart: dataset.auditEvents },
      gateway: read.result,
      baseline,
      ratio: Math.round((read.result.rps / Math.max(1, baseline.rps)) * 100) / 100,
      p99Ratio: Math.round((read.result.p99Ms / Math.max(1, baseline.p99Ms)) * 100) / 100,
      auditMissing: read.audit.missing,
      audit: read.audit,
      lookup,
      compliance,
    };
    results.targets = judgeTargets(results);
    fs.mkdirSync(path.dirname(config.resultsFile), { recursive: true });
    fs.writeFileSync(config.resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    printReport(results);
    log(`written to ${path.relative(process.cwd(), config.resultsFile)}`);
  } finally {
    await gateway.stop();
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
