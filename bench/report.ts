import type { ExportMeasurement, QueryTimings, VerifyMeasurement } from "./compliance";
import type { LoadResult } from "./load";

export type PhaseResult = LoadResult & { serverCpuMsPerRequest: number; databaseCpuMsPerRequest?: number };

export interface BenchResults {
  at: string;
  machine: { cpus: number; memoryGiB: number; node: string; database: string; loadAverageAtStart: number; loadAverageAtEnd: number };
  params: { seconds: number; connections: number; serverProcesses: number; customers: number; auditEventsAtStart: number };
  gateway: PhaseResult;
  baseline: PhaseResult;
  /** Gateway req/s over baseline req/s. */
  ratio: number;
  /** Gateway p99 over baseline p99. */
  p99Ratio: number;
  /** 2xx responses of the gateway phase without their audit event. */
  auditMissing: number;
  audit: { allowEventsWritten: number; eventsBeyondCountedResponses: number; missing: number; duplicates: number };
  lookup: PhaseResult;
  compliance: {
    byCustomer: QueryTimings;
    byDealer: QueryTimings;
    export: { oneDealer: ExportMeasurement; everything: ExportMeasurement };
    verify: VerifyMeasurement;
  };
  targets?: Record<string, { target: string; measured: string; met: boolean }>;
}

/** The targets, judged on one run's figures. */
export function judgeTargets(r: BenchResults): NonNullable<BenchResults["targets"]> {
  const exports = r.compliance.export;
  const growthMb = Math.max(exports.oneDealer.rss.growthMb, exports.everything.rss.growthMb);
  return {
    throughput: { target: "gateway req/s >= 0.75 x baseline", measured: `${r.ratio}`, met: r.ratio >= 0.75 },
    p99: { target: "gateway p99 <= 1.5 x baseline", measured: `${r.p99Ratio}`, met: r.p99Ratio <= 1.5 },
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
  };
}

const row = (cells: (string | number)[]) => cells.map((cell, i) => String(cell).padEnd(i === 0 ? 32 : i === 5 ? 20 : 10)).join("");

export function printReport(r: BenchResults): void {
  const lines = [
    "",
    `${r.params.connections} connections, ${r.params.seconds} s per phase, ${r.params.serverProcesses} server process(es) per side, ${r.params.auditEventsAtStart} audit events`,
    `machine: ${r.machine.cpus} CPUs, ${r.machine.memoryGiB} GiB, ${r.machine.database}; load average ${r.machine.loadAverageAtStart} at start, ${r.machine.loadAverageAtEnd} at end`,
    row(["", "req/s", "p50 ms", "p99 ms", "errors", "CPU ms/req: server", "database"]),
    ...([["gateway GET /v1/customers/{id}", r.gateway], ["baseline (express + mysql2)", r.baseline], ["gateway lookup by email", r.lookup]] as const)
      .map(([name, p]) => row([name, p.rps, p.p50Ms, p.p99Ms, p.errors, p.serverCpuMsPerRequest, p.databaseCpuMsPerRequest ?? "-"])),
    `ratio ${r.ratio} (req/s), ${r.p99Ratio} (p99); audit: ${r.audit.allowEventsWritten} allow events for ${r.gateway.responses2xx} 2xx, ${r.auditMissing} missing, ${r.audit.duplicates} duplicated`,
    `compliance by customer p95 ${r.compliance.byCustomer.p95Ms} ms, by dealer p95 ${r.compliance.byDealer.p95Ms} ms (${r.compliance.byCustomer.queries} queries each)`,
    ...Object.entries(r.compliance.export).map(([name, e]) =>
      `CSV export (${name}): ${e.rows} rows in ${e.seconds} s = ${e.rowsPerSecond} rows/s, RSS ${e.rss.beforeMb} -> ${e.rss.peakMb} MB${e.timedOut ? " (cut off: too slow)" : ""}`),
    `verify: ${r.compliance.verify.checked} events in ${r.compliance.verify.seconds} s = ${r.compliance.verify.eventsPerSecond} events/s (ok: ${r.compliance.verify.ok})${r.compliance.verify.timedOut ? " (cut off: too slow)" : ""}`,
    "",
    ...Object.entries(r.targets ?? {}).map(([name, t]) => `${t.met ? "MET   " : "NOT MET"} ${name}: ${t.target}; measured ${t.measured}`),
  ];
  console.log(lines.join("\n"));
}
