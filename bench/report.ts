import type { IntegrationLag, IntegrationMeasurement } from "./audit-tree";
import type { ExportMeasurement, QueryTimings, VerifyMeasurement } from "./compliance";
import type { LoadResult } from "./load";
import type { ReadPathComparison } from "./read-path-comparison";
import type { SigningCost } from "./signing-cost";
import type { StartupMeasurement } from "./startup";
import type { WebhookLatency } from "./webhook-latency";

export type PhaseResult = LoadResult & { serverCpuMsPerRequest: number; databaseCpuMsPerRequest?: number };

export interface BenchResults {
  at: string;
  machine: { cpus: number; memoryGiB: number; node: string; database: string; loadAverageAtStart: number; loadAverageAtEnd: number };
  params: { seconds: number; connections: number; serverProcesses: number; customers: number; auditEventsAtStart: number };
  gateway: PhaseResult;
  /** One gateway process started as `npm start` runs it (compiled) and from its sources through tsx. */
  startup: Record<"compiled" | "source", StartupMeasurement>;
  baseline: PhaseResult;
  /** The same read plus one batched, durable audit row per request, answered after commit. */
  floor: PhaseResult;
  /** Gateway req/s over baseline req/s. */
  ratio: number;
  /** Gateway p99 over baseline p99. */
  p99Ratio: number;
  /** Gateway req/s over the audited floor's. */
  floorRatio: number;
  /** Gateway p99 over the audited floor's. */
  floorP99Ratio: number;
  /** 2xx responses of the gateway phase without their audit event. */
  auditMissing: number;
  audit: { allowEventsWritten: number; eventsBeyondCountedResponses: number; missing: number; duplicates: number };
  lookup: PhaseResult;
  compliance: {
    byCustomer: QueryTimings;
    byDealer: QueryTimings;
    export: { oneDealer: ExportMeasurement; everything: ExportMeasurement };
    /** A full verification, then GET /v1/audit/verify after the lookups (what was added since the last mark). */
    verify: { full: VerifyMeasurement; incremental: VerifyMeasurement & { eventsSinceFirst: number } };
    /** GET /v1/audit/events/{id}/proof for random integrated events, one at a time. */
    proofs: QueryTimings;
  };
  auditTree: {
    /** The write batches of a read-path load run with integration held off, then integrated. */
    integration: Omit<IntegrationMeasurement<unknown>, "writes"> & { readPathWhileHeld: PhaseResult };
    integrationUnderReadLoad: IntegrationLag;
    /** Only when the dataset was seeded in this run. */
    seedIntegration?: { events: number; seconds: number; eventsPerSecond: number };
  };
  /** What signing at write adds per audit event, in CPU (bench/signing-cost.ts). */
  signingCost: SigningCost;
  readPathComparison?: ReadPathComparison;
  /** Feed events to a webhook receiver on this machine during a read load (BENCH_WEBHOOKS=0 skips it). */
  webhookDelivery?: WebhookLatency | { error: string };
  targets?: Record<string, { target: string; measured: string; met: boolean }>;
}

/**
 * Signing at write's share of the read path's CPU per request (gateway and MariaDB, as the read phase
 * measured them): on a machine whose cores the load keeps busy, the req/s it costs.
 */
export function signingShareOfReadPath(r: Pick<BenchResults, "gateway" | "signingCost">): number {
  const readPathUs = (r.gateway.serverCpuMsPerRequest + (r.gateway.databaseCpuMsPerRequest ?? 0)) * 1000;
  return Math.round(((r.signingCost.extraNodeUs + r.signingCost.extraDatabaseUs) / Math.max(1, readPathUs)) * 1000) / 10;
}

/** The issue's targets, judged on one run's figures. */
export function judgeTargets(r: BenchResults): NonNullable<BenchResults["targets"]> {
  const exports = r.compliance.export;
  const growthMb = Math.max(exports.oneDealer.rss.growthMb, exports.everything.rss.growthMb);
  const { full, incremental } = r.compliance.verify;
  const lag = r.auditTree.integrationUnderReadLoad;
  const comparison = r.readPathComparison;
  return {
    throughput: { target: "gateway req/s >= 0.75 x the audited floor", measured: `${r.floorRatio} (${r.ratio} of the raw baseline)`, met: r.floorRatio >= 0.75 },
    p99: { target: "gateway p99 <= 1.5 x the audited floor's", measured: `${r.floorP99Ratio} (${r.p99Ratio} of the raw baseline)`, met: r.floorP99Ratio <= 1.5 },
    errors: { target: "0 errors", measured: `${r.gateway.errors}`, met: r.gateway.errors === 0 },
    audit: { target: "exactly one audit event per 2xx", measured: `${r.auditMissing} missing, ${r.audit.duplicates} duplicated`, met: r.auditMissing === 0 && r.audit.duplicates === 0 },
    exportRate: {
      target: ">= 50,000 rows/s", measured: `${exports.everything.rowsPerSecond} (whole log), ${exports.oneDealer.rowsPerSecond} (one dealer)`,
      met: !exports.everything.timedOut && !exports.oneDealer.timedOut && Math.min(exports.everything.rowsPerSecond, exports.oneDealer.rowsPerSecond) >= 50_000,
    },
    exportMemory: {
      target: "peak memory does not grow with export size",
      measured: `+${exports.oneDealer.rss.growthMb} MB for ${exports.oneDealer.rows} rows, +${exports.everything.rss.growthMb} MB for ${exports.everything.rows} rows`,
      // A fixed allowance for buffers and the collector's slack; what matters is that the larger export does not take proportionally more.
      met: growthMb < 100 && exports.everything.rss.growthMb <= exports.oneDealer.rss.growthMb + 50,
    },
    complianceByCustomer: { target: "p95 < 50 ms", measured: `${r.compliance.byCustomer.p95Ms} ms`, met: r.compliance.byCustomer.p95Ms < 50 && r.compliance.byCustomer.errors === 0 },
    complianceByDealer: { target: "p95 < 50 ms", measured: `${r.compliance.byDealer.p95Ms} ms`, met: r.compliance.byDealer.p95Ms < 50 && r.compliance.byDealer.errors === 0 },
    verify: {
      target: `GET /v1/audit/verify ok, in < 1 s (at ${incremental.checked} events)`,
      measured: `${incremental.seconds} s (full verification ${full.seconds} s), ok: ${full.ok && incremental.ok}`,
      met: full.ok && incremental.ok && !incremental.timedOut && incremental.seconds < 1,
    },
    integrationCadence: {
      target: "under load, every event in a signed checkpoint within a second", measured: `the oldest pending event waited at most ${lag.maxEventWaitMs} ms`, met: lag.maxEventWaitMs < 1000,
    },
    proofs: { target: "inclusion proofs answered", measured: `${r.compliance.proofs.errors} errors in ${r.compliance.proofs.queries}`, met: r.compliance.proofs.errors === 0 && r.compliance.proofs.queries > 0 },
    signingCpu: {
      target: "signing at write adds <= 5 % to the read path's CPU per request",
      measured: `${signingShareOfReadPath(r)} % (${r.signingCost.extraNodeUs} µs of node and ${r.signingCost.extraDatabaseUs} µs of MariaDB per event, ` +
        `against ${r.gateway.serverCpuMsPerRequest} and ${r.gateway.databaseCpuMsPerRequest ?? "-"} ms per request)`,
      met: signingShareOfReadPath(r) <= 5,
    },
    ...(comparison ? {
      readPathWithSigning: {
        target: `read path req/s within 5 % of ${comparison.otherCommit}, both loaded at once`,
        measured: `${comparison.simultaneous.medianChangePercent} % (median of ${comparison.simultaneous.counted} rounds without errors; alternating rounds: ${comparison.rpsChangePercent} %)`,
        met: comparison.simultaneous.counted > 0 && comparison.simultaneous.medianChangePercent >= -5,
      },
    } : {}),
  };
}

const row = (cells: (string | number)[]) => cells.map((cell, i) => String(cell).padEnd(i === 0 ? 32 : i === 5 ? 20 : 10)).join("");

const phaseRow = (name: string, p: PhaseResult) => row([name, p.rps, p.p50Ms, p.p99Ms, p.errors, p.serverCpuMsPerRequest, p.databaseCpuMsPerRequest ?? "-"]);
const timings = (t: QueryTimings) => `p50 ${t.p50Ms} ms, p95 ${t.p95Ms} ms, p99 ${t.p99Ms} ms, max ${t.maxMs} ms (${t.queries} requests, ${t.errors} errors)`;
const verifyLine = (name: string, v: VerifyMeasurement) =>
  `verify, ${name}: ${v.checked} events in ${v.seconds} s (ok: ${v.ok})${v.timedOut ? " (cut off: too slow)" : ""}`;

function comparisonLines(c: ReadPathComparison): string[] {
  return [
    "",
    `read path against ${c.otherCheckout} (${c.otherCommit}), alternating rounds:`,
    row(["", "req/s", "p50 ms", "p99 ms", "errors", "CPU ms/req: server", "database"]),
    ...c.rounds.flatMap((round, i) => [
      phaseRow(`round ${i + 1}: this checkout`, round.thisCheckout), `${phaseRow(`round ${i + 1}: ${c.otherCommit}`, round.otherCheckout)}load average ${round.loadAverage}`,
    ]),
    `medians: this checkout ${c.thisMedian.rps} req/s (p99 ${c.thisMedian.p99Ms} ms, server ${c.thisMedian.serverCpuMsPerRequest} ms/req), ` +
      `${c.otherCommit} ${c.otherMedian.rps} req/s (p99 ${c.otherMedian.p99Ms} ms, server ${c.otherMedian.serverCpuMsPerRequest} ms/req): ${signed(c.rpsChangePercent)} %`,
    "both loaded at once, half the connections each:",
    ...c.simultaneous.rounds.map((round, i) =>
      `round ${i + 1}: this checkout ${round.thisRps} req/s (server ${round.thisServerCpuMsPerRequest} ms/req), ${c.otherCommit} ${round.otherRps} req/s ` +
      `(server ${round.otherServerCpuMsPerRequest} ms/req): ${signed(round.changePercent)} %, load average ${round.loadAverage}` +
      (round.errors ? `, ${round.errors} errors: left out` : "")),
    `median: ${signed(c.simultaneous.medianChangePercent)} %`,
  ];
}

function signingCostLine(c: SigningCost): string {
  const perPhase = (signedPhase: boolean, part: "nodeUs" | "databaseUs") => c.phases.filter((p) => p.signed === signedPhase).map((p) => p[part]).join(", ");
  return `signing at write, CPU per event (${c.eventsPerPhase} events a phase, ${c.eventsPerBatch} a batch, integrated every ${c.eventsPerRound}): ` +
    `node ${perPhase(false, "nodeUs")} µs without, ${perPhase(true, "nodeUs")} with; MariaDB ${perPhase(false, "databaseUs")} without, ${perPhase(true, "databaseUs")} with; ` +
    `median extra ${c.extraNodeUs} µs node, ${c.extraDatabaseUs} µs MariaDB, of which integration ${c.integrationNodeUs} and ${c.integrationDatabaseUs}`;
}

const signed = (percent: number) => `${percent > 0 ? "+" : ""}${percent}`;

function webhookLine(w: WebhookLatency | { error: string }): string {
  if ("error" in w) return `webhook delivery: not measured (${w.error})`;
  return `webhook delivery under the read load: ${w.delivered} of ${w.events} events, latency p50 ${w.p50Ms} ms, p95 ${w.p95Ms} ms, max ${w.maxMs} ms`;
}

export function printReport(r: BenchResults): void {
  const { integration, integrationUnderReadLoad: lag, seedIntegration } = r.auditTree;
  const { full, incremental } = r.compliance.verify;
  const lines = [
    "",
    `${r.params.connections} connections, ${r.params.seconds} s per phase, ${r.params.serverProcesses} server process(es) per side, ${r.params.auditEventsAtStart} audit events`,
    `machine: ${r.machine.cpus} CPUs, ${r.machine.memoryGiB} GiB, ${r.machine.database}; load average ${r.machine.loadAverageAtStart} at start, ${r.machine.loadAverageAtEnd} at end`,
    row(["", "req/s", "p50 ms", "p99 ms", "errors", "CPU ms/req: server", "database"]),
    phaseRow("gateway GET /v1/customers/{id}", r.gateway),
    phaseRow("baseline (express + mysql2)", r.baseline),
    phaseRow("audited floor (+ batched audit INSERT)", r.floor),
    phaseRow("gateway lookup by email", r.lookup),
    phaseRow("gateway GET, integration held", integration.readPathWhileHeld),
    `gateway / audited floor: ${r.floorRatio} (req/s), ${r.floorP99Ratio} (p99); gateway / baseline: ${r.ratio} (req/s), ${r.p99Ratio} (p99)`,
    `start-up to ready: compiled ${r.startup.compiled.readyMs} ms, ${r.startup.compiled.rssMb} MB RSS; from sources through tsx ${r.startup.source.readyMs} ms, ${r.startup.source.rssMb} MB RSS`,
    `audit: ${r.audit.allowEventsWritten} allow events for ${r.gateway.responses2xx} 2xx, ${r.auditMissing} missing, ${r.audit.duplicates} duplicated`,
    `compliance by customer p95 ${r.compliance.byCustomer.p95Ms} ms, by dealer p95 ${r.compliance.byDealer.p95Ms} ms (${r.compliance.byCustomer.queries} queries each)`,
    ...Object.entries(r.compliance.export).map(([name, e]) =>
      `CSV export (${name}): ${e.rows} rows in ${e.seconds} s = ${e.rowsPerSecond} rows/s, RSS ${e.rss.beforeMb} -> ${e.rss.peakMb} MB${e.timedOut ? " (cut off: too slow)" : ""}`),
    `integration: ${integration.events} events in ${integration.batches} write batches in ${integration.seconds} s = ${integration.eventsPerSecond} events/s (tree of ${integration.treeSizeAfter})`,
    `integration under the read load: ${lag.eventsPerSecond} events/s, at most ${Math.round(lag.maxPendingEvents)} events pending, events waited at most ${lag.maxEventWaitMs} ms for a checkpoint`,
    ...(seedIntegration ? [`integration of the seed: ${seedIntegration.events} events in batches of 2,000 in ${seedIntegration.seconds} s = ${seedIntegration.eventsPerSecond} events/s`] : []),
    verifyLine("full (verify-audit --full)", full),
    `${verifyLine("GET /v1/audit/verify (incremental)", incremental)}, ${incremental.eventsSinceFirst} events added since the call before`,
    `inclusion proofs: ${timings(r.compliance.proofs)}`,
    signingCostLine(r.signingCost),
    ...(r.readPathComparison ? comparisonLines(r.readPathComparison) : []),
    ...(r.webhookDelivery ? [webhookLine(r.webhookDelivery)] : []),
    "",
    ...Object.entries(r.targets ?? {}).map(([name, t]) => `${t.met ? "MET   " : "NOT MET"} ${name}: ${t.target}; measured ${t.measured}`),
  ];
  console.log(lines.join("\n"));
}
