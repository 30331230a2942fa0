import type { z } from "zod";
import { problems, type AppError } from "../http/problem";
import type { marketingPreferencesBody, purchaseBody, warrantyBody } from "./point-of-sale-input";
import { MAX_RECORD_ENTRIES, type CustomerData } from "./customer-fields";
import type { MarketingChannel } from "./marketing-preference.entity";
import { preferenceChanges } from "./marketing-preferences";

type Purchase = NonNullable<CustomerData["purchases"]>[number];
type Warranty = NonNullable<CustomerData["warranties"]>[number];
type Preferences = NonNullable<CustomerData["marketingPreferences"]>;

/** A record changed by a dealer at the point of sale: the new record, what to answer, and the changed field names. */
export type RecordChange<T> = { record: CustomerData; stored: T; changedFields: string[] } | { problem: AppError };

const subfields = (field: string, body: object) => Object.keys(body).map((key) => `${field}.${key}`);

function limitReached(field: "purchases" | "warranties"): { problem: AppError } {
  return { problem: problems.recordLimitReached(`This customer already holds ${MAX_RECORD_ENTRIES} ${field}, the most a record keeps; ask the brand's CRM desk to archive older ones`) };
}

/** Contract 4.1: a new purchase, its id and `soldBy` (the dealer's name) set by the gateway. */
export function addPurchase(record: CustomerData, body: z.output<typeof purchaseBody>, soldBy: string, id: string): RecordChange<Purchase> {
  const purchases = record.purchases ?? [];
  if (purchases.length >= MAX_RECORD_ENTRIES) return limitReached("purchases");
  const stored: Purchase = {
    id, date: body.date, productRef: body.productRef, ...(body.serialNumber !== undefined ? { serialNumber: body.serialNumber } : {}), soldBy,
    ...(body.amount !== undefined ? { amount: body.amount, currency: body.currency } : {}),
  };
  return { record: { ...record, purchases: [...purchases, stored] }, stored, changedFields: subfields("purchases", stored) };
}

/**
 * Contract 4.1: a new warranty, or the extension of one: `extended: true` for a serial number already
 * under warranty replaces its `endsOn`, so the record keeps one entry per serial number. Registering a
 * serial number again without `extended` is a 409.
 */
export function addWarranty(record: CustomerData, body: z.output<typeof warrantyBody>): RecordChange<Warranty> {
  const warranties = record.warranties ?? [];
  const index = warranties.findIndex((warranty) => warranty.serialNumber === body.serialNumber);
  if (index >= 0) {
    if (!body.extended) return { problem: problems.conflict("This serial number is already under warranty; send extended: true to extend it") };
    const stored: Warranty = { ...warranties[index]!, endsOn: body.endsOn, extended: true };
    return { record: { ...record, warranties: warranties.map((warranty, at) => (at === index ? stored : warranty)) }, stored, changedFields: ["warranties.endsOn", "warranties.extended"] };
  }
  if (warranties.length >= MAX_RECORD_ENTRIES) return limitReached("warranties");
  const stored: Warranty = { serialNumber: body.serialNumber, productRef: body.productRef, startsOn: body.startsOn, endsOn: body.endsOn, extended: body.extended };
  return { record: { ...record, warranties: [...warranties, stored] }, stored, changedFields: subfields("warranties", stored) };
}

export interface PreferenceChange {
  channel: MarketingChannel;
  optedIn: boolean;
}

/**
 * Policy P8: an opt-out takes effect at once; a channel that is not on (off, or never recorded) is
 * turned on only with the customer's signed request as `evidenceRef`, else 400.
 */
export function setMarketingPreferences(record: CustomerData, body: z.output<typeof marketingPreferencesBody>): RecordChange<Preferences> & { changes?: PreferenceChange[] } {
  const current = record.marketingPreferences;
  const changes = preferenceChanges(current, body);
  const turnedOn = changes.filter((change) => change.optedIn).map((change) => change.channel);
  if (turnedOn.length > 0 && body.evidenceRef === undefined) {
    return {
      problem: problems.validation(`Turning ${turnedOn.join(", ")} back on needs evidenceRef, the customer's signed request`,
        turnedOn.map((channel) => ({ path: channel, message: "is off; turning it on needs evidenceRef" }))),
    };
  }
  const stored: Preferences = { email: body.email, phone: body.phone, post: body.post, sms: body.sms };
  return { record: { ...record, marketingPreferences: stored }, stored, changedFields: changes.map((change) => `marketingPreferences.${change.channel}`), changes };
}
