import type { EntityManager } from "typeorm";
import { dealersWithWebhooks, enqueueDeliveries } from "../webhooks/webhook-outbox";
import { DealerEventEntity, type DealerEventType } from "./dealer-event.entity";

export interface DealerEventInput {
  dealerId: string;
  type: DealerEventType;
  customerId?: string | null;
  purpose?: string | null;
}

/**
 * Appends changes to dealers' consent-events feeds, inside the caller's transaction, and queues the
 * events of dealers with a webhook for delivery in that same transaction. Those are inserted one by
 * one, in order, so each one's id is the database's own (a multi-row insert's ids are not
 * consecutive on a Galera cluster).
 */
export async function emitDealerEvents(manager: EntityManager, events: DealerEventInput[], at: Date): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => ({ dealerId: event.dealerId, type: event.type, customerId: event.customerId ?? null, purpose: event.purpose ?? null, at: at.toISOString() }));
  const hooked = await dealersWithWebhooks(manager, rows.map((row) => row.dealerId));
  if (hooked.size === 0) {
    await manager.insert(DealerEventEntity, rows);
    return;
  }
  const queued: { dealerId: string; seq: string }[] = [];
  for (const row of rows) {
    const result = await manager.insert(DealerEventEntity, row);
    if (hooked.has(row.dealerId)) queued.push({ dealerId: row.dealerId, seq: String(result.identifiers[0]!.seq) });
  }
  await enqueueDeliveries(manager, queued, at);
}

/**
 * Dealers that a customer has ever consented to: the only dealers who may learn of that customer's
 * erasure or restriction through their feed.
 */
export async function dealersConsentedBy(manager: EntityManager, customerId: string): Promise<string[]> {
  const rows: { dealer_id: string }[] = await manager.query("SELECT DISTINCT dealer_id FROM consents WHERE customer_id = ? ORDER BY dealer_id", [customerId]);
  return rows.map((row) => row.dealer_id);
}
