import type { DataSource } from "typeorm";
import { GENESIS_HASH, chainHash, eventHash, isKnownVersion } from "./audit-canonical";
import { AUDIT_EVENT_SELECT, type AuditEventRow } from "./audit-event-rows";

const PAGE = 1000;

/** What went wrong at the first bad event. */
export type VerifyProblem = "changed" | "deleted" | "inserted" | "seal_altered";

export interface VerifyResult {
  ok: boolean;
  /** Sealed events examined. */
  checked: number;
  firstBadEventId?: string;
  problem?: VerifyProblem;
  /** Events newer than the last seal, not yet covered. */
  unsealed: number;
  /** The chain head: an auditor who records it can later prove the sealed history was not rewritten as a whole. */
  head?: { eventId: string; chainHash: string };
}

interface SealRow {
  event_seq: number | string;
  event_id: string;
  event_hash: string;
  chain_hash: string;
  version: number | string;
}

/** Yields the rows of a table with `seq` in (0, upTo], ascending, one page in memory at a time. */
async function* ascending<T>(dataSource: DataSource, select: string, seqColumn: string, upTo: number): AsyncGenerator<T> {
  let after = 0;
  for (;;) {
    const rows: T[] = await dataSource.query(`${select} WHERE ${seqColumn} > ? AND ${seqColumn} <= ? ORDER BY ${seqColumn} ASC LIMIT ${PAGE}`, [after, upTo]);
    yield* rows;
    if (rows.length < PAGE) return;
    after = Number((rows[rows.length - 1] as Record<string, unknown>)[seqColumn]);
  }
}

async function scalar(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<number> {
  const rows: { value: number | string | null }[] = await dataSource.query(sql, params);
  return Number(rows[0]?.value ?? 0);
}

/**
 * Recomputes the chain over every sealed event and walks the seals and the events side by side in seq
 * order. An event whose content no longer hashes to its seal was changed; a seal without its event
 * means the event was deleted; an event without a seal inside the sealed range was inserted afterwards;
 * a seal that does not follow from the one before was itself altered.
 */
export async function verifyAuditLog(dataSource: DataSource): Promise<VerifyResult> {
  const sealedUpTo = await scalar(dataSource, "SELECT MAX(event_seq) AS value FROM audit_seals");
  const unsealed = await scalar(dataSource, "SELECT COUNT(*) AS value FROM audit_events WHERE seq > ?", [sealedUpTo]);
  const seals = ascending<SealRow>(dataSource, "SELECT event_seq, event_id, event_hash, chain_hash, version FROM audit_seals", "event_seq", sealedUpTo);
  const events = ascending<AuditEventRow>(dataSource, `SELECT ${AUDIT_EVENT_SELECT} FROM audit_events`, "seq", sealedUpTo);
  let previous = GENESIS_HASH;
  let checked = 0;
  let lastSeal: SealRow | undefined;
  const bad = (firstBadEventId: string, problem: VerifyProblem): VerifyResult => ({ ok: false, checked, firstBadEventId, problem, unsealed });
  let seal = (await seals.next()).value as SealRow | undefined;
  let event = (await events.next()).value as AuditEventRow | undefined;
  while (seal || event) {
    checked += 1;
    const sealSeq = seal ? Number(seal.event_seq) : Infinity;
    const eventSeq = event ? Number(event.seq) : Infinity;
    if (eventSeq < sealSeq) return bad(event!.id, "inserted");
    if (sealSeq < eventSeq) return bad(seal!.event_id, "deleted");
    const version = Number(seal!.version);
    if (!isKnownVersion(version) || seal!.chain_hash !== chainHash(previous, seal!.event_hash)) return bad(seal!.event_id, "seal_altered");
    if (event!.id !== seal!.event_id || eventHash(event!, version) !== seal!.event_hash) return bad(seal!.event_id, "changed");
    previous = seal!.chain_hash;
    lastSeal = seal;
    seal = (await seals.next()).value as SealRow | undefined;
    event = (await events.next()).value as AuditEventRow | undefined;
  }
  return { ok: true, checked, unsealed, ...(lastSeal ? { head: { eventId: lastSeal.event_id, chainHash: lastSeal.chain_hash } } : {}) };
}
