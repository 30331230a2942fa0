import type { EntityManager } from "typeorm";
import { WebhookDeliveryEntity } from "./webhook.entity";

/** Dealers among `dealerIds` whose webhook takes deliveries (a disabled one takes none until a new PUT). */
export async function dealersWithWebhooks(manager: EntityManager, dealerIds: string[]): Promise<Set<string>> {
  const unique = [...new Set(dealerIds)];
  if (unique.length === 0) return new Set();
  const rows: { dealer_id: string }[] = await manager.query(
    `SELECT dealer_id FROM dealer_webhooks WHERE status <> 'disabled' AND dealer_id IN (${unique.map(() => "?").join(", ")})`, unique,
  );
  return new Set(rows.map((row) => row.dealer_id));
}

/** Queues feed events for delivery, inside the transaction that creates them: an event committed is an event delivered. */
export async function enqueueDeliveries(manager: EntityManager, events: { dealerId: string; seq: string }[], at: Date): Promise<void> {
  if (events.length === 0) return;
  const now = at.toISOString();
  await manager.insert(WebhookDeliveryEntity, events.map((event) => ({
    dealerId: event.dealerId, eventSeq: event.seq, status: "pending" as const, attempts: 0, nextAttemptAt: now,
    claimedUntil: null, claimedBy: null, createdAt: now, lastAttemptAt: null, deliveredAt: null, lastStatus: null, lastError: null, lastResponse: null,
  })));
}
