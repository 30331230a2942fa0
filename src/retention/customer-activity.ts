import type { EntityManager } from "typeorm";
import type { CustomerData } from "../customers/customer-fields";

/** What retention knows of a customer: the latest activity of each kind, and whether a consent is still live. */
export interface CustomerActivity {
  customerId: string;
  /** The latest of: last purchase, warranty start, service order, creation (the stored last_activity_at); the end of any warranty; any consent given, withdrawn or expired. */
  lastActivityAt: string;
  /** A consent neither withdrawn nor expired: the customer is still in a relationship with a dealer. */
  liveConsent: boolean;
}

export interface CustomerRow {
  id: string;
  status: string;
  profile: string | null;
  last_activity_at: string | null;
}

const latest = (values: (string | null | undefined)[]): string =>
  values.filter((value): value is string => typeof value === "string" && value.length > 0).reduce((a, b) => (b > a ? b : a), "");

/** A warranty is a contract: it counts until its last day (policy P9: "the contract's term and up to ten years after"). */
function warrantyEnds(profile: string | null): string[] {
  if (!profile) return [];
  const data = JSON.parse(profile) as CustomerData;
  return (data.warranties ?? []).map((warranty) => `${warranty.endsOn}T23:59:59.999Z`);
}

const placeholders = (ids: string[]) => ids.map(() => "?").join(", ");

/** The activity of several customers, in three indexed queries whatever their number. */
export async function customerActivity(manager: EntityManager, customers: CustomerRow[], now: Date): Promise<Map<string, CustomerActivity>> {
  const ids = customers.map((customer) => customer.id);
  const activity = new Map<string, CustomerActivity>();
  if (ids.length === 0) return activity;
  const history: { customer_id: string; last_at: string }[] = await manager.query(
    `SELECT c.customer_id, MAX(h.at) AS last_at FROM consents c JOIN consent_history h ON h.consent_id = c.id
      WHERE c.customer_id IN (${placeholders(ids)}) GROUP BY c.customer_id`,
    ids,
  );
  const purposes: { customer_id: string; expires_at: string | null; withdrawn_at: string | null }[] = await manager.query(
    `SELECT customer_id, expires_at, withdrawn_at FROM consent_purposes WHERE customer_id IN (${placeholders(ids)})`,
    ids,
  );
  const at = now.toISOString();
  for (const customer of customers) {
    const own = purposes.filter((row) => row.customer_id === customer.id);
    const liveConsent = own.some((row) => row.withdrawn_at === null && (row.expires_at === null || row.expires_at > at));
    const expiries = own.filter((row) => row.withdrawn_at === null && row.expires_at !== null && row.expires_at <= at).map((row) => row.expires_at);
    activity.set(customer.id, {
      customerId: customer.id,
      liveConsent,
      lastActivityAt: latest([
        customer.last_activity_at, ...warrantyEnds(customer.profile), history.find((row) => row.customer_id === customer.id)?.last_at, ...expiries,
      ]),
    });
  }
  return activity;
}
