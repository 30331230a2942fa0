import { verifyAuditLog } from "../src/audit/audit-verify";
import { createDataSource } from "../src/db/data-source";
import { benchAuditKey } from "./audit-tree";
import { sampleRss } from "./servers";

/** The compliance officer's side: queries over the whole audit log, exports and verification, one at a time. */
const QUERY_TIMEOUT_MS = 10_000;
/** An export or a verification that takes longer is cut off and reported as such, so the bench always ends. */
const LONG_REQUEST_TIMEOUT_MS = 180_000;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export interface QueryTimings {
  queries: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

/** Each path once, sequentially, timing request to last byte. */
export async function timeQueries(url: string, token: string, paths: string[]): Promise<QueryTimings> {
  const timings: number[] = [];
  let errors = 0;
  for (const path of paths) {
    const started = performance.now();
    try {
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
      await response.arrayBuffer();
      if (response.status !== 200) errors += 1;
    } catch {
      errors += 1;
    }
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  return { queries: paths.length, p50Ms: round(percentile(timings, 50)), p95Ms: round(percentile(timings, 95)), p99Ms: round(percentile(timings, 99)), maxMs: round(timings.at(-1) ?? 0), errors };
}

export interface ExportMeasurement {
  query: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  status: number;
  timedOut: boolean;
  rss: { beforeMb: number; peakMb: number; growthMb: number };
}

/** Streams a CSV export to its end, counting lines, while sampling the gateway's memory. */
export async function measureExport(url: string, token: string, query: string, gatewayPid: number): Promise<ExportMeasurement> {
  const sampler = sampleRss(gatewayPid);
  const started = performance.now();
  let lines = 0;
  let status = 0;
  let timedOut = false;
  try {
    const response = await fetch(`${url}/v1/audit/events${query}`, {
      headers: { authorization: `Bearer ${token}`, accept: "text/csv" }, signal: AbortSignal.timeout(LONG_REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    for await (const chunk of response.body ?? []) {
      const bytes = chunk as Uint8Array;
      for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines += 1;
    }
  } catch {
    timedOut = true;
  }
  const seconds = (performance.now() - started) / 1000;
  const rows = Math.max(0, lines - 1);
  return { query, rows, seconds: round(seconds, 2), rowsPerSecond: Math.round(rows / seconds), status, timedOut, rss: sampler.stop() };
}

export interface VerifyMeasurement {
  ok: boolean;
  checked: number;
  seconds: number;
  eventsPerSecond: number;
  status: number;
  timedOut: boolean;
}

/** One GET /v1/audit/verify, timed from request to last byte. */
export async function measureVerify(url: string, token: string): Promise<VerifyMeasurement> {
  const started = performance.now();
  try {
    const response = await fetch(`${url}/v1/audit/verify`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(LONG_REQUEST_TIMEOUT_MS) });
    const body = (await response.json()) as { ok?: boolean; checked?: number };
    const seconds = (performance.now() - started) / 1000;
    const checked = body.checked ?? 0;
    return { ok: body.ok === true, checked, seconds: round(seconds, 2), eventsPerSecond: Math.round(checked / seconds), status: response.status, timedOut: false };
  } catch {
    return { ok: false, checked: 0, seconds: round((performance.now() - started) / 1000, 2), eventsPerSecond: 0, status: 0, timedOut: true };
  }
}

/** A full verification (every leaf recomputed from its event), as `dealer-gateway verify-audit --full` runs it. */
export async function measureFullVerify(databaseUrl: string): Promise<VerifyMeasurement> {
  const dataSource = createDataSource(databaseUrl, 2, { connectMs: 5000, queryMs: LONG_REQUEST_TIMEOUT_MS });
  await dataSource.initialize();
  try {
    const started = performance.now();
    const result = await verifyAuditLog(dataSource, benchAuditKey(), { full: true });
    const seconds = (performance.now() - started) / 1000;
    return { ok: result.ok, checked: result.checked, seconds: round(seconds, 2), eventsPerSecond: Math.round(result.checked / seconds), status: 200, timedOut: false };
  } finally {
    await dataSource.destroy();
  }
}
