import type { Logger } from "pino";
import type { DataSource, QueryRunner } from "typeorm";
import { withDatabaseLock } from "../db/database-lock";
import { isUniqueViolation } from "../db/db-errors";
import { CANONICAL_VERSION, GENESIS_HASH, chainHash, eventHash } from "./audit-canonical";
import { AUDIT_EVENT_SELECT, type AuditEventRow } from "./audit-event-rows";

/**
 * Events are sealed only once they are this old by the gateway clock: auto-increment values are taken
 * at insert but become visible at commit, so a young gap may still be filled by a transaction in flight.
 * It must exceed the longest time between an audit insert and its commit plus the clock skew between
 * gateway hosts.
 */
export const SEAL_SETTLE_MS = 10_000;
export const SEAL_INTERVAL_MS = 15_000;
const SEAL_BATCH = 500;

export interface SealOptions {
  settleMs?: number;
  /** MySQL: how long to wait for another process's sealer; 0 skips the run when one is busy. */
  lockWaitSeconds?: number;
}

interface SealHead {
  seq: number;
  chainHash: string;
}

async function sealHead(runner: QueryRunner): Promise<SealHead> {
  const rows: { event_seq: number | string; chain_hash: string }[] = await runner.query(
    "SELECT event_seq, chain_hash FROM audit_seals ORDER BY event_seq DESC LIMIT 1",
  );
  const last = rows[0];
  return last ? { seq: Number(last.event_seq), chainHash: last.chain_hash } : { seq: 0, chainHash: GENESIS_HASH };
}

/** Seals, in seq order, events older than the cutoff; stops at the first younger one so no gap is sealed over early. */
async function sealFrom(runner: QueryRunner, head: SealHead, cutoff: string, sealedAt: string): Promise<number> {
  let sealed = 0;
  let { seq, chainHash: previous } = head;
  for (;;) {
    const rows: AuditEventRow[] = await runner.query(`SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE seq > ? ORDER BY seq ASC LIMIT ${SEAL_BATCH}`, [seq]);
    const firstYoung = rows.findIndex((row) => row.at > cutoff);
    const batch = firstYoung === -1 ? rows : rows.slice(0, firstYoung);
    if (batch.length === 0) return sealed;
    const values: unknown[] = [];
    for (const row of batch) {
      const hash = eventHash(row);
      previous = chainHash(previous, hash);
      values.push(Number(row.seq), row.id, hash, previous, CANONICAL_VERSION, sealedAt);
    }
    try {
      await runner.query(
        `INSERT INTO audit_seals (event_seq, event_id, event_hash, chain_hash, version, sealed_at) VALUES ${batch.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")}`,
        values,
      );
    } catch (error) {
      // Another process sealed these first; its seals stand and this run has nothing more to add.
      if (isUniqueViolation(error)) return sealed;
      throw error;
    }
    sealed += batch.length;
    seq = Number(batch[batch.length - 1]!.seq);
    if (batch.length < rows.length || rows.length < SEAL_BATCH) return sealed;
  }
}

/** Runs in this process one at a time per database; on MySQL the database lock also keeps other processes out. */
/**
 * Seals every settled, unsealed event; returns how many. Safe to run from several processes at once:
 * the MySQL lock serialises them, and on any race the primary key on `event_seq` refuses a second seal.
 */
export async function sealAuditEvents(dataSource: DataSource, clock: () => Date, options: SealOptions = {}): Promise<number> {
  const outcome = await withDatabaseLock(dataSource, "audit_seal", options.lockWaitSeconds ?? 0, async (runner) => {
    const now = clock();
    const cutoff = new Date(now.getTime() - (options.settleMs ?? SEAL_SETTLE_MS)).toISOString();
    return sealFrom(runner, await sealHead(runner), cutoff, now.toISOString());
  });
  return outcome.acquired ? outcome.result : 0;
}

export interface AuditSealer {
  stop(): Promise<void>;
}

/**
 * Seals periodically in the background; the interval does not keep the process alive. Start it once
 * per gateway process after migrations, and stop it before closing the data source.
 */
export function startAuditSealer(
  deps: { dataSource: DataSource; clock: () => Date; logger: Logger },
  options: SealOptions & { intervalMs?: number } = {},
): AuditSealer {
  let current: Promise<unknown> = Promise.resolve();
  let busy = false;
  const tick = () => {
    if (busy || !deps.dataSource.isInitialized) return;
    busy = true;
    current = sealAuditEvents(deps.dataSource, deps.clock, options)
      .then((sealed) => {
        if (sealed > 0) deps.logger.debug({ sealed }, "audit events sealed");
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, "audit sealing failed; it is retried on the next run"))
      .finally(() => {
        busy = false;
      });
  };
  const timer = setInterval(tick, options.intervalMs ?? SEAL_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
