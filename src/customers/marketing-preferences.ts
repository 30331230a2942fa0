import type { EntityManager } from "typeorm";
import { MarketingPreferenceChangeEntity, type MarketingPreferenceChange } from "./marketing-preference.entity";
import type { PreferenceChange } from "./point-of-sale-records";

export interface PreferenceRecorder {
  actorType: MarketingPreferenceChange["actorType"];
  actorId: string;
  dealerId: string | null;
  evidenceRef: string | null;
}

/** Keeps each changed channel in the customer's history (policy P8), in the caller's transaction. */
export async function recordPreferenceChanges(manager: EntityManager, customerId: string, changes: PreferenceChange[], by: PreferenceRecorder, at: Date): Promise<void> {
  if (changes.length === 0) return;
  await manager.insert(MarketingPreferenceChangeEntity, changes.map((change) => ({
    customerId, channel: change.channel, optedIn: change.optedIn, recordedAt: at.toISOString(),
    actorType: by.actorType, actorId: by.actorId, dealerId: by.dealerId, evidenceRef: change.optedIn ? by.evidenceRef : null,
  })));
}

/** The customer's marketing preference history, oldest first. */
export async function preferenceHistory(manager: EntityManager, customerId: string) {
  const rows = await manager.find(MarketingPreferenceChangeEntity, { where: { customerId }, order: { seq: "ASC" } });
  return rows.map((row) => ({
    channel: row.channel, optedIn: row.optedIn, recordedAt: row.recordedAt, actorType: row.actorType, actorId: row.actorId,
    dealerId: row.dealerId, evidenceRef: row.evidenceRef,
  }));
}

/** Erasure: the history names the customer's choices and evidence, so it goes with the rest of the record. */
export async function erasePreferenceHistory(manager: EntityManager, customerId: string): Promise<void> {
  await manager.delete(MarketingPreferenceChangeEntity, { customerId });
}
