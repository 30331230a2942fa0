import { signWebhook } from "./webhook-secret";

export interface FeedEventRow {
  seq: string | number;
  type: string;
  customer_id: string | null;
  purpose: string | null;
  at: string;
}

/** The feed event as GET /v1/consent-events shows it: ids only. */
export function feedEvent(row: FeedEventRow) {
  return {
    id: String(row.seq), type: row.type, ...(row.customer_id ? { customerId: row.customer_id } : {}), ...(row.purpose ? { purpose: row.purpose } : {}), at: row.at,
  };
}

/**
 * A Standard Webhooks 1.0 message for a feed event: `webhook-id` is the feed event id (receivers
 * deduplicate on it), the body `{ type, timestamp, data }`. `webhook-timestamp` is the wall clock at
 * sending, since receivers check it against theirs to refuse replays.
 */
export function webhookMessage(row: FeedEventRow, secret: string, sentAt: Date): { headers: Record<string, string>; body: string } {
  const data = feedEvent(row);
  const body = JSON.stringify({ type: data.type, timestamp: data.at, data });
  const timestamp = Math.floor(sentAt.getTime() / 1000);
  return { headers: { "webhook-id": data.id, "webhook-timestamp": String(timestamp), "webhook-signature": signWebhook(secret, data.id, timestamp, body) }, body };
}
