import type { DataSource } from "typeorm";
import { z } from "zod";
import { parse } from "../http/validate";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { SEQ_POSITION } from "./audit-query";
import { cursorParam, pageLimit } from "./audit-filters";

/** The feed events after which a dealer must delete data it holds. */
export const PURGE_EVENT_TYPES = ["consent.withdrawn", "customer.erased"] as const;
const TYPES_IN = `type IN (${PURGE_EVENT_TYPES.map(() => "?").join(", ")})`;

export const pageQuery = z.strictObject({ cursor: cursorParam, limit: pageLimit(1000, 100) });

export interface PendingPurge {
  /** The event's id in the dealer's consent-events feed. */
  id: string;
  type: string;
  customerId?: string;
  purpose?: string;
  /** When the dealer was told: the purge has been pending since then. */
  since: string;
  ageSeconds: number;
}

export interface DealerPendingPurges {
  dealerId: string;
  /** The last feed event the dealer acknowledged, null if it never did. */
  acknowledgedUpTo: string | null;
  acknowledgedAt: string | null;
  pending: number;
  oldestSince: string | null;
  items: PendingPurge[];
  nextCursor: string | null;
  /** The dealer's webhook, if it has one: `disabled` means the retries ran out and only the feed tells the dealer. */
  webhook: { status: string; disabledAt: string | null } | null;
}

const ageSeconds = (since: string, now: Date) => Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 1000));

export function parsePendingPurgesQuery(query: unknown): z.output<typeof pageQuery> {
  return parse(pageQuery, query, "query");
}

export async function dealerExists(dataSource: DataSource, dealerId: string): Promise<boolean> {
  return (await dataSource.query("SELECT id FROM dealers WHERE id = ?", [dealerId])).length > 0;
}

/** Decodes a page cursor of this dealer's list before anything is recorded, so a bad one is a plain 400. */
export function pendingPurgesAfter(dealerId: string, cursor: string | undefined): number | undefined {
  return cursor === undefined ? undefined : Number(decodeCursor(cursor, SEQ_POSITION, { pendingPurges: dealerId }));
}

/** `GET /v1/audit/dealers/{id}/pending-purges`: withdrawals and erasures beyond the dealer's acknowledgement, oldest first. */
export async function dealerPendingPurges(
  dataSource: DataSource, dealerId: string, page: { after?: number; limit: number }, now: Date,
): Promise<DealerPendingPurges> {
  const acks: { up_to_seq: number | string; acked_at: string }[] = await dataSource.query(
    "SELECT up_to_seq, acked_at FROM dealer_event_acks WHERE dealer_id = ?", [dealerId],
  );
  const acked = acks[0] ? Number(acks[0].up_to_seq) : 0;
  const hooks: { status: string; disabled_at: string | null }[] = await dataSource.query("SELECT status, disabled_at FROM dealer_webhooks WHERE dealer_id = ?", [dealerId]);
  const summary: { pending: number | string; oldest: string | null }[] = await dataSource.query(
    `SELECT COUNT(*) AS pending, MIN(at) AS oldest FROM dealer_events WHERE dealer_id = ? AND seq > ? AND ${TYPES_IN}`,
    [dealerId, acked, ...PURGE_EVENT_TYPES],
  );
  const rows: { seq: number | string; type: string; customer_id: string | null; purpose: string | null; at: string }[] = await dataSource.query(
    `SELECT seq, type, customer_id, purpose, at FROM dealer_events WHERE dealer_id = ? AND seq > ? AND ${TYPES_IN} ORDER BY seq ASC LIMIT ${page.limit + 1}`,
    [dealerId, Math.max(acked, page.after ?? 0), ...PURGE_EVENT_TYPES],
  );
  const items = rows.slice(0, page.limit).map((row) => ({
    id: String(row.seq), type: row.type, ...(row.customer_id ? { customerId: row.customer_id } : {}), ...(row.purpose ? { purpose: row.purpose } : {}),
    since: row.at, ageSeconds: ageSeconds(row.at, now),
  }));
  return {
    dealerId,
    acknowledgedUpTo: acks[0] ? String(acks[0].up_to_seq) : null,
    acknowledgedAt: acks[0]?.acked_at ?? null,
    pending: Number(summary[0]?.pending ?? 0),
    oldestSince: summary[0]?.oldest ?? null,
    items,
    nextCursor: rows.length > page.limit ? encodeCursor(items[items.length - 1]!.id, { pendingPurges: dealerId }) : null,
    webhook: hooks[0] ? { status: hooks[0].status, disabledAt: hooks[0].disabled_at } : null,
  };
}

export interface DealerPurgeSummary {
  dealerId: string;
  name: string;
  pending: number;
  oldestSince: string;
  ageSeconds: number;
  /** The dealer's webhook status, null without one. */
  webhookStatus: string | null;
}

/** `GET /v1/audit/pending-purges`: every dealer with unacknowledged withdrawals or erasures, longest waiting first. */
export async function allPendingPurges(dataSource: DataSource, now: Date): Promise<{ items: DealerPurgeSummary[] }> {
  const rows: { dealer_id: string; name: string | null; pending: number | string; oldest: string; webhook_status: string | null }[] = await dataSource.query(
    `SELECT e.dealer_id, d.name, w.status AS webhook_status, COUNT(*) AS pending, MIN(e.at) AS oldest
       FROM dealer_events e
       LEFT JOIN dealer_event_acks a ON a.dealer_id = e.dealer_id
       LEFT JOIN dealers d ON d.id = e.dealer_id
       LEFT JOIN dealer_webhooks w ON w.dealer_id = e.dealer_id
      WHERE e.${TYPES_IN} AND e.seq > COALESCE(a.up_to_seq, 0)
      GROUP BY e.dealer_id, d.name, w.status
      ORDER BY oldest ASC, e.dealer_id ASC`,
    [...PURGE_EVENT_TYPES],
  );
  return {
    items: rows.map((row) => ({
      dealerId: row.dealer_id, name: row.name ?? "", pending: Number(row.pending), oldestSince: row.oldest, ageSeconds: ageSeconds(row.oldest, now),
      webhookStatus: row.webhook_status,
    })),
  };
}
