import { createHash } from "node:crypto";
import { AUDIT_EVENT_SELECT, type AuditEventRow } from "./audit-event-rows";

/**
 * The hash chain that sealed audit events before the log became a Merkle tree. It is read once more,
 * when those events are moved into the tree, so that a history edited under the old scheme is not
 * signed into the new one.
 */

export const GENESIS_HASH = "0".repeat(64);
const PAGE = 1000;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Version 1 seal serialisation: a JSON array of a tag and every column of the row, as stored. */
export function eventHashV1(row: AuditEventRow): string {
  return sha256(JSON.stringify([
    "audit_events/v1", String(row.seq), row.id, row.at, row.actor_type, row.actor_id, row.action, row.dealer_id, row.customer_id,
    row.purpose, row.decision, row.reason, row.consent_id, row.grant_id, row.fields, Number(row.status), row.request_id, row.ip, row.detail,
  ]));
}

/** Each link of the old chain committed to everything before it. */
export function chainLink(previous: string, eventHash: string): string {
  return sha256(`${previous}:${eventHash}`);
}

interface SealRow {
  event_seq: number | string;
  event_id: string;
  event_hash: string;
  chain_hash: string;
  version: number | string;
}

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

export class BrokenSealChain extends Error {
  constructor(readonly eventId: string, readonly problem: "changed" | "deleted" | "inserted" | "seal_altered") {
    super(`the audit seal chain is broken at event ${eventId} (${problem}); investigate before upgrading`);
  }
}

/**
 * Yields every event in seq order, each checked against its seal while seals exist: a changed, deleted
 * or inserted event, or an altered seal, throws BrokenSealChain. Events after the last seal had not
 * been sealed yet and are yielded as they are.
 */
export async function* eventsCheckedAgainstSeals(query: Query): AsyncGenerator<AuditEventRow> {
  let previous = GENESIS_HASH;
  let after = 0;
  for (;;) {
    const events = (await query(`SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE seq > ? ORDER BY seq ASC LIMIT ${PAGE}`, [after])) as AuditEventRow[];
    if (events.length === 0) {
      const orphans = (await query("SELECT event_id FROM audit_seals WHERE event_seq > ? ORDER BY event_seq LIMIT 1", [after])) as { event_id: string }[];
      if (orphans[0]) throw new BrokenSealChain(orphans[0].event_id, "deleted");
      return;
    }
    const last = Number(events[events.length - 1]!.seq);
    const seals = (await query("SELECT event_seq, event_id, event_hash, chain_hash, version FROM audit_seals WHERE event_seq > ? AND event_seq <= ? ORDER BY event_seq ASC", [after, last])) as SealRow[];
    const bySeq = new Map(seals.map((seal) => [Number(seal.event_seq), seal]));
    if (bySeq.size !== seals.length) throw new BrokenSealChain(seals[0]!.event_id, "seal_altered");
    for (const seal of seals) {
      if (!events.some((event) => Number(event.seq) === Number(seal.event_seq))) throw new BrokenSealChain(seal.event_id, "deleted");
    }
    for (const event of events) {
      const seal = bySeq.get(Number(event.seq));
      if (seal) {
        if (Number(seal.version) !== 1 || seal.chain_hash !== chainLink(previous, seal.event_hash)) throw new BrokenSealChain(seal.event_id, "seal_altered");
        if (seal.event_id !== event.id || seal.event_hash !== eventHashV1(event)) throw new BrokenSealChain(event.id, "changed");
        previous = seal.chain_hash;
      } else if (await sealedAfter(query, Number(event.seq))) {
        throw new BrokenSealChain(event.id, "inserted");
      }
      yield event;
    }
    after = last;
  }
}

/** An unsealed event followed by a sealed one was inserted into the sealed range afterwards. */
async function sealedAfter(query: Query, seq: number): Promise<boolean> {
  const rows = (await query("SELECT event_seq FROM audit_seals WHERE event_seq > ? LIMIT 1", [seq])) as unknown[];
  return rows.length > 0;
}
