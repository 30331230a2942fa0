import type { EntityManager } from "typeorm";
import type { z } from "zod";
import type { deliverySchema, webhookStatusSchema } from "./webhook-schemas";
import { DealerWebhookEntity, type DealerWebhook } from "./webhook.entity";

export function findWebhook(manager: EntityManager, dealerId: string): Promise<DealerWebhook | null> {
  return manager.findOneBy(DealerWebhookEntity, { dealerId });
}

export async function pendingDeliveries(manager: EntityManager, dealerId: string): Promise<number> {
  const rows: { n: number | string }[] = await manager.query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE dealer_id = ? AND status = 'pending'", [dealerId]);
  return Number(rows[0]?.n ?? 0);
}

export function webhookStatusBody(webhook: DealerWebhook, pending: number): z.output<typeof webhookStatusSchema> {
  return {
    url: webhook.url,
    status: webhook.status,
    ...(webhook.lastDeliveryAt ? { lastDeliveryAt: webhook.lastDeliveryAt } : {}),
    ...(webhook.lastFailureAt && webhook.lastFailure ? { lastFailure: { at: webhook.lastFailureAt, error: webhook.lastFailure } } : {}),
    pending,
  };
}

interface DeliveryRow {
  id: string | number; event_seq: string | number; type: string; status: "pending" | "delivered" | "abandoned"; attempts: number | string;
  created_at: string; next_attempt_at: string; last_attempt_at: string | null; delivered_at: string | null;
  last_status: number | null; last_error: string | null; last_response: string | null;
}

const DELIVERY_COLUMNS = `d.id, d.event_seq, e.type, d.status, d.attempts, d.created_at, d.next_attempt_at, d.last_attempt_at, d.delivered_at,
  d.last_status, d.last_error, d.last_response FROM webhook_deliveries d JOIN dealer_events e ON e.seq = d.event_seq`;

function deliveryBody(row: DeliveryRow): z.output<typeof deliverySchema> {
  return {
    id: String(row.id), eventId: String(row.event_seq), type: row.type, status: row.status, attempts: Number(row.attempts), queuedAt: row.created_at,
    ...(row.status === "pending" ? { nextAttemptAt: row.next_attempt_at } : {}),
    ...(row.last_attempt_at ? { lastAttemptAt: row.last_attempt_at } : {}),
    ...(row.delivered_at ? { deliveredAt: row.delivered_at } : {}),
    ...(row.last_status !== null ? { lastStatus: Number(row.last_status) } : {}),
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.last_response ? { lastResponse: row.last_response } : {}),
  };
}

/** The dealer's most recent deliveries, newest first, with the receiver's last answer. */
export async function recentDeliveries(manager: EntityManager, dealerId: string, limit: number): Promise<z.output<typeof deliverySchema>[]> {
  const rows: DeliveryRow[] = await manager.query(`SELECT ${DELIVERY_COLUMNS} WHERE d.dealer_id = ? ORDER BY d.id DESC LIMIT ${limit}`, [dealerId]);
  return rows.map(deliveryBody);
}

export async function findDelivery(manager: EntityManager, dealerId: string, id: string): Promise<z.output<typeof deliverySchema> | undefined> {
  const rows: DeliveryRow[] = await manager.query(`SELECT ${DELIVERY_COLUMNS} WHERE d.dealer_id = ? AND d.id = ?`, [dealerId, id]);
  return rows[0] ? deliveryBody(rows[0]) : undefined;
}
