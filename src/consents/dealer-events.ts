import type { EntityManager } from "typeorm";
import { DealerEventEntity, type DealerEventType } from "./dealer-event.entity";

export interface DealerEventInput {
  dealerId: string;
  type: DealerEventType;
  customerId?: string | null;
  purpose?: string | null;
}

/** Appends changes to dealers' consent-events feeds, inside the caller's transaction. */
export async function emitDealerEvents(manager: EntityManager, events: DealerEventInput[], at: Date): Promise<void> {
  if (events.length === 0) return;
  await manager.insert(
    DealerEventEntity,
    events.map((event) => ({ dealerId: event.dealerId, type: event.type, customerId: event.customerId ?? null, purpose: event.purpose ?? null, at: at.toISOString() })),
  );
}

/**
 * Dealers that a customer has ever consented to: the only dealers who may learn of that customer's
 * erasure or restriction through their feed.
 */
export async function dealersConsentedBy(manager: EntityManager, customerId: string): Promise<string[]> {
  const rows: { dealer_id: string }[] = await manager.query("SELECT DISTINCT dealer_id FROM consents WHERE customer_id = ? ORDER BY dealer_id", [customerId]);
  return rows.map((row) => row.dealer_id);
}
