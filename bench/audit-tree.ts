import mysql, { type Connection } from "mysql2/promise";
import { ENTRY_LINE, parseEntries } from "../src/audit/audit-batch";
import { integrateAuditLog } from "../src/audit/audit-integrator";
import { loadAuditKey, type AuditKey } from "../src/audit/audit-key";
import { createDataSource } from "../src/db/data-source";
import { withDatabaseLock } from "../src/db/database-lock";
import { createLogger } from "../src/ops/logger";
import { BENCH_DATA_DIR } from "./bench-config";

/** The Merkle tree side of the audit log: integration throughput and lag, and the events proofs are asked for. */

/** The gateway's own audit key (it reads the same data directory), so seeded events verify. */
export const benchAuditKey = (): AuditKey => loadAuditKey({ dataDir: BENCH_DATA_DIR, origin: "dealer-gateway/audit-log" });

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function row(db: Connection, sql: string, params: unknown[] = []): Promise<unknown[]> {
  const [rows] = await db.query({ sql, rowsAsArray: true }, params);
  return (rows as unknown[][])[0] ?? [];
}

export async function treeSize(db: Connection): Promise<number> {
  return Number((await row(db, "SELECT COALESCE(MAX(tree_size), 0) FROM audit_checkpoints"))[0]);
}

export async function pendingEvents(db: Connection): Promise<{ batches: number; events: number }> {
  const [batches, bytes] = await row(db, "SELECT COUNT(*), COALESCE(SUM(LENGTH(entries)), 0) FROM audit_batches WHERE first_leaf IS NULL");
  return { batches: Number(batches), events: Number(bytes) / ENTRY_LINE };
}

/**
 * Integrates everything pending with the gateway's own integrator, in this process, until nothing is
 * left. Other integrators (a running gateway's) take turns through the same database lock, so the tree
 * is the same whoever integrates.
 */
export async function integrateAll(databaseUrl: string): Promise<void> {
  const dataSource = createDataSource(databaseUrl, 2);
  await dataSource.initialize();
  try {
    const deps = { dataSource, key: benchAuditKey(), clock: () => new Date(), logger: createLogger("silent") };
    const db = await mysql.createConnection(databaseUrl);
    try {
      let stuck = -1;
      for (;;) {
        if ((await integrateAuditLog(deps, 60)) > 0) continue;
        const { batches } = await pendingEvents(db);
        if (batches === 0) return;
        // A batch that fails its signature stays pending for verification to report; nothing more will move.
        if (batches === stuck) throw new Error(`${batches} pending audit batches are not integrated: do they fail their signature?`);
        stuck = batches;
      }
    } finally {
      await db.end();
    }
  } finally {
    await dataSource.destroy();
  }
}

export interface IntegrationMeasurement<T> {
  events: number;
  batches: number;
  seconds: number;
  eventsPerSecond: number;
  treeSizeAfter: number;
  /** What `writes` returned. */
  writes: T;
}

/**
 * Integration throughput: `writes` runs while this holds the integrators' database lock, so the events
 * it writes pile up as the gateway's own pending write batches (a gateway's integrator skips its run
 * while another holds the lock); then the lock is released and the backlog integrated, timed from the
 * release to an empty queue, whichever process integrates it.
 */
export async function measureIntegration<T>(databaseUrl: string, writes: () => Promise<T>): Promise<IntegrationMeasurement<T>> {
  const db = await mysql.createConnection(databaseUrl);
  try {
    // Holding the integrators' lock lets the gateway's own write batches pile up pending.
    const holder = createDataSource(databaseUrl, 2);
    await holder.initialize();
    let written: T;
    let pending: { batches: number };
    let sizeBefore: number;
    try {
      const held = await withDatabaseLock(holder, "audit_integrate", 30, async () => {
        const result = await writes();
        return { result, pending: await pendingEvents(db), sizeBefore: await treeSize(db) };
      });
      if (!held.acquired) throw new Error("could not take the audit integration lock");
      ({ result: written, pending, sizeBefore } = held.result);
    } finally {
      await holder.destroy();
    }
    const started = performance.now();
    await integrateAll(databaseUrl);
    const seconds = (performance.now() - started) / 1000;
    const sizeAfter = await treeSize(db);
    const events = sizeAfter - sizeBefore;
    return { events, batches: pending.batches, seconds: round(seconds, 2), eventsPerSecond: Math.round(events / seconds), treeSizeAfter: sizeAfter, writes: written };
  } finally {
    await db.end();
  }
}

export interface IntegrationLag {
  /** Events integrated per second over the phase: as fast as they were written when integration keeps up. */
  eventsPerSecond: number;
  maxPendingEvents: number;
  /**
   * The longest any event was seen waiting for a checkpoint: at each sample, the age of the oldest
   * batch still pending. (The latest checkpoint's age would also count the idle moments before the
   * load starts, when nothing waits and no checkpoint is due.)
   */
  maxEventWaitMs: number;
  samples: number;
}

/** Samples the pending queue and the latest checkpoint's age while a load phase runs. */
export async function sampleIntegrationLag(databaseUrl: string, everyMs = 200): Promise<{ stop(): Promise<IntegrationLag> }> {
  const db = await mysql.createConnection(databaseUrl);
  const started = performance.now();
  const sizeAtStart = await treeSize(db);
  let maxPending = 0;
  let maxWait = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const pending = await pendingEvents(db);
      const [oldest] = await row(db, "SELECT MIN(created_at) FROM audit_batches WHERE first_leaf IS NULL");
      maxPending = Math.max(maxPending, pending.events);
      if (oldest) maxWait = Math.max(maxWait, Date.now() - Date.parse(String(oldest)));
      samples += 1;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const integrated = (await treeSize(db)) - sizeAtStart;
      const seconds = (performance.now() - started) / 1000;
      await db.end();
      return { eventsPerSecond: Math.round(integrated / seconds), maxPendingEvents: maxPending, maxEventWaitMs: maxWait, samples };
    },
  };
}

/** Ids of integrated events at random leaf indexes, for inclusion proofs: each the leaf's place in the batch that holds it. */
export async function randomIntegratedEventIds(databaseUrl: string, count: number): Promise<string[]> {
  const db = await mysql.createConnection(databaseUrl);
  try {
    const size = await treeSize(db);
    const ids: string[] = [];
    for (let i = 0; i < count && size > 0; i++) {
      const index = Math.floor(Math.random() * size);
      const [first, entries] = await row(db, "SELECT first_leaf, entries FROM audit_batches WHERE first_leaf <= ? ORDER BY first_leaf DESC LIMIT 1", [index]);
      const id = parseEntries(String(entries))?.[index - Number(first)]?.id;
      if (id) ids.push(id);
    }
    return ids;
  } finally {
    await db.end();
  }
}
