import type { EntityManager } from "typeorm";
import type { CustomerData } from "./customer-fields";
import { MARKETING_CHANNELS, MarketingPreferenceChangeEntity, type MarketingPreferenceChange } from "./marketing-preference.entity";
import type { PreferenceChange } from "./point-of-sale-records";

type Preferences = NonNullable<CustomerData["marketingPreferences"]>;

export interface PreferenceRecorder {
  actorType: MarketingPreferenceChange["actorType"];
  actorId: string;
  dealerId: string | null;
  evidenceRef: string | null;
}

function historyRows(customerId: string, changes: PreferenceChange[], by: PreferenceRecorder, at: Date) {
  return changes.map((change) => ({
    customerId, channel: change.channel, optedIn: change.optedIn, recordedAt: at.toISOString(),
    actorType: by.actorType, actorId: by.actorId, dealerId: by.dealerId, evidenceRef: change.optedIn ? by.evidenceRef : null,
  }));
}

/** Keeps each changed channel in the customer's history (policy P8), in the caller's transaction. */
export async function recordPreferenceChanges(manager: EntityManager, customerId: string, changes: PreferenceChange[], by: PreferenceRecorder, at: Date): Promise<void> {
  if (changes.length > 0) await manager.insert(MarketingPreferenceChangeEntity, historyRows(customerId, changes, by, at));
}

/** The channels that differ between two states of a record's preferences; with none after, each channel that was on is turned off. */
export function preferenceChanges(before: Preferences | undefined, after: Preferences | undefined): PreferenceChange[] {
  return MARKETING_CHANNELS.filter((channel) => (after ? before?.[channel] !== after[channel] : before?.[channel] === true))
    .map((channel) => ({ channel, optedIn: after?.[channel] ?? false }));
}

export interface AdminRecordChange {
  customerId: string;
  before: CustomerData | null;
  after: CustomerData | null;
}

/**
 * CRM admins' changes to records (created, edited, imported) in the preference history, as a
 * dealer's are, with the admin as the actor; one INSERT for all of them.
 */
export async function recordAdminPreferences(manager: EntityManager, records: AdminRecordChange[], adminId: string, at: Date): Promise<void> {
  const by: PreferenceRecorder = { actorType: "admin", actorId: adminId, dealerId: null, evidenceRef: null };
  const rows = records.flatMap((record) => historyRows(record.customerId, preferenceChanges(record.before?.marketingPreferences, record.after?.marketingPreferences), by, at));
  if (rows.length > 0) await manager.insert(MarketingPreferenceChangeEntity, rows);
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
