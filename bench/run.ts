import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mysql, { type Connection } from "mysql2/promise";
import { measureIntegration, randomIntegratedEventIds, sampleIntegrationLag } from "./audit-tree";
import { BENCH_DATA_DIR, loadBenchConfig, type BenchConfig } from "./bench-config";
import { COMPILED_GATEWAY, compiledBenchScript } from "./compiled-gateway";
import { measureExport, measureFullVerify, measureVerify, timeQueries } from "./compliance";
import { adminToken, dealerToken } from "./gateway-client";
import { gatewayEnv, loadAverage, log, measuredLoad, pause, readLoad, warmAndMeasureReads } from "./phases";
import { compareReadPath } from "./read-path-comparison";
import { judgeTargets, printReport, type BenchResults, type PhaseResult } from "./report";
import { prepareDataset, type BenchDataset } from "./seed";
import { startServer, type ServerProcess } from "./servers";
import { measureSigningCost, writeShapeOf } from "./signing-cost";
import { buildGateway, measureStartup } from "./startup";
import { measureWebhookLatency } from "./webhook-latency";

/**
 * `npm run bench`: seeds (or reuses) the dataset on the local MariaDB, then measures, in one run and
 * with the same load, the gateway's dealer read path against a bare express + mysql2 baseline, and the
 * compliance side: queries, CSV export with its memory, the Merkle tree's integration, verification
 * and inclusion proofs, and lookups.
 */
/** The first row of `sql`'s answer, as numbers. */
async function numbers(db: Connection, sql: string, params: unknown[] = []): Promise<number[]> {
  const [rows] = await db.query({ sql, rowsAsArray: true }, params);
  return (rows as unknown[][])[0]!.map((value) => Number(value ?? 0));
}

const scalar = async (db: Connection, sql: string, params: unknown[] = []): Promise<number> => (await numbers(db, sql, params))[0]!;

const ratioOf = (value: number, reference: number) => Math.round((value / Math.max(1, reference)) * 100) / 100;

async function databaseVersion(db: Connection): Promise<string> {
  const [rows] = await db.query({ sql: "SELECT VERSION()", rowsAsArray: true });
  return String((rows as unknown[][])[0]![0]);
}

/**
 * The gateway's read path under load, with the integrator's lag sampled meanwhile; then its audit log
 * checked against the 2xx answers it gave.
 */
async function gatewayReadPhase(config: BenchConfig, gateway: ServerProcess, dataset: BenchDataset, db: Connection) {
  const token = await dealerToken(gateway.url, dataset.clientId, dataset.clientSecret);
  let seqBefore = 0;
  let lag: Awaited<ReturnType<typeof sampleIntegrationLag>> | undefined;
  const result = await warmAndMeasureReads(config, gateway, token, dataset.readableCustomerIds, async () => {
    seqBefore = await scalar(db, "SELECT COALESCE(MAX(seq), 0) FROM audit_events");
    log(`gateway read path: ${config.connections} connections for ${config.seconds} s`);
    lag = await sampleIntegrationLag(config.databaseUrl);
  });
  const integrationUnderLoad = await lag!.stop();
  await pause(1000);
  // The read events the load caused, counted in one pass: all, allowed, distinct requests, distinct write batches.
  const [reads, allowed, distinctRequests, batches] = await numbers(db,
    "SELECT COUNT(*), COALESCE(SUM(decision = 'allow'), 0), COUNT(DISTINCT request_id), COUNT(DISTINCT batch_id) FROM audit_events " +
    "WHERE seq > ? AND action = 'customer.read' AND actor_id = ?", [seqBefore, dataset.clientId]) as [number, number, number, number];
  return {
    result,
    integrationUnderLoad,
    writeShape: writeShapeOf(reads, batches, result.rps),
    audit: {
      allowEventsWritten: allowed,
      // Requests still in flight when the load stopped are answered and audited, but not counted by the load generator.
      eventsBeyondCountedResponses: Math.max(0, allowed - result.responses2xx),
      missing: Math.max(0, result.responses2xx - allowed),
      duplicates: reads - distinctRequests,
    },
  };
}

/** The raw baseline, or with `audited` the audited floor (bench/baseline-server.ts). */
async function baselinePhase(config: BenchConfig, dataset: BenchDataset, audited: boolean): Promise<PhaseResult> {
  const name = audited ? "audited floor" : "baseline";
  const baseline = await startServer({
    name, script: compiledBenchScript("baseline-server"), readyPath: "/healthz",
    env: { DATABASE_URL: config.databaseUrl, BASELINE_WORKERS: String(config.workers), BASELINE_AUDIT: audited ? "1" : "0" },
  });
  try {
    log(`${name}: ${config.connections} connections for ${config.seconds} s`);
    return await warmAndMeasureReads(config, baseline, "unused", dataset.readableCustomerIds);
  } finally {
    await baseline.stop();
  }
}

/** Integration throughput, draining the write batches of a read-path load run with integration held off. */
async function integrationPhase(config: BenchConfig, gateway: ServerProcess, dataset: BenchDataset) {
  const token = await dealerToken(gateway.url, dataset.clientId, dataset.clientSecret);
  log(`integration: ${config.connections} connections for ${config.seconds} s with integration held off, then the backlog integrated`);
  const { writes, ...integration } = await measureIntegration(config.databaseUrl, () => measuredLoad(gateway, readLoad(config, gateway.url, token, dataset.readableCustomerIds), config.databaseUrl));
  return { ...integration, readPathWhileHeld: writes };
}

async function lookupPhase(config: BenchConfig, gateway: ServerProcess, dataset: BenchDataset): Promise<PhaseResult> {
  const token = await dealerToken(gateway.url, dataset.clientId, dataset.clientSecret);
  log(`lookup by email: ${config.connections} connections for ${config.seconds} s`);
  return measuredLoad(gateway, {
    url: gateway.url, seconds: config.seconds, connections: config.connections, method: "POST", path: "/v1/customers/lookup?purpose=service_delivery",
    body: '{"email":"{value}"}', values: dataset.readableEmails, headers: { authorization: `Bearer ${token}` },
  }, config.databaseUrl);
}

/**
 * Verification: first a full one (every leaf recomputed, as `verify-audit --full` does), which leaves
 * its signed mark; then GET /v1/audit/verify as a compliance officer calls it, which continues from
 * the latest mark; then lookups under load write events through the gateway, and the next call
 * verifies only what they added.
 */
async function verifyAroundLookups(config: BenchConfig, gateway: ServerProcess, dataset: BenchDataset) {
  log("verifying the whole audit log (verify-audit --full)");
  const full = await measureFullVerify(config.databaseUrl);
  const token = await adminToken(gateway.url);
  const first = await measureVerify(gateway.url, token);
  const lookup = await lookupPhase(config, gateway, dataset);
  await pause(1500);
  log("GET /v1/audit/verify after the lookups");
  const incremental = await measureVerify(gateway.url, token);
  return { lookup, verify: { full, incremental: { ...incremental, eventsSinceFirst: incremental.checked - first.checked } } };
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
  log(`inclusion proofs: ${config.proofRequests} random integrated events, one request at a time`);
  const eventIds = await randomIntegratedEventIds(config.databaseUrl, config.proofRequests);
  const proofs = await timeQueries(gateway.url, token, eventIds.map((id) => `/v1/audit/events/${id}/proof`));
  return { byCustomer, byDealer, export: { oneDealer, everything }, proofs };
}

async function main(): Promise<void> {
  const config = loadBenchConfig();
  // Other work on the machine shows in every figure; the load average says how much there was.
  const loadAtStart = loadAverage();
  const dataset = await prepareDataset(config, log);
  log(`dataset: ${dataset.readableCustomerIds.length} readable customers, ${dataset.auditEvents} audit events${dataset.seededNow ? ` (seeded in ${dataset.seedSeconds} s)` : " (reused)"}`);
  const db = await mysql.createConnection(config.databaseUrl);
  buildGateway();
  const startup = await measureStartup(config, BENCH_DATA_DIR);
  const gateway = await startServer({
    name: "gateway", script: COMPILED_GATEWAY, readyPath: "/readyz", env: gatewayEnv(config, BENCH_DATA_DIR),
    nodeArgs: process.env.BENCH_GATEWAY_NODE_ARGS?.split(" ").filter(Boolean),
  });
  try {
    const comparison = config.compareWith ? await compareReadPath(config, config.compareRounds, config.compareWith, gateway, dataset) : undefined;
    const read = await gatewayReadPhase(config, gateway, dataset, db);
    const signingCost = await measureSigningCost(config, read.writeShape);
    const baseline = await baselinePhase(config, dataset, false);
    const floor = await baselinePhase(config, dataset, true);
    const integration = await integrationPhase(config, gateway, dataset);
    const { lookup, verify } = await verifyAroundLookups(config, gateway, dataset);
    const compliance = await compliancePhase(config, gateway, dataset);
    // Optional: a failure here is reported, and the other figures still written.
    const webhookDelivery = process.env.BENCH_WEBHOOKS === "0" ? undefined
      : await measureWebhookLatency(config, gateway, dataset).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
    const results: BenchResults = {
      at: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, database: await databaseVersion(db),
        loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAverage(),
      },
      params: { seconds: config.seconds, connections: config.connections, serverProcesses: config.workers, customers: config.customers, auditEventsAtStart: dataset.auditEvents },
      gateway: read.result,
      startup,
      baseline,
      floor,
      ratio: ratioOf(read.result.rps, baseline.rps),
      p99Ratio: ratioOf(read.result.p99Ms, baseline.p99Ms),
      floorRatio: ratioOf(read.result.rps, floor.rps),
      floorP99Ratio: ratioOf(read.result.p99Ms, floor.p99Ms),
      auditMissing: read.audit.missing,
      audit: read.audit,
      lookup,
      compliance: { ...compliance, verify },
      auditTree: { integration, integrationUnderReadLoad: read.integrationUnderLoad, ...(dataset.seedIntegration ? { seedIntegration: dataset.seedIntegration } : {}) },
      signingCost,
      ...(comparison ? { readPathComparison: comparison } : {}),
      ...(webhookDelivery ? { webhookDelivery } : {}),
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
