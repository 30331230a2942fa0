import type { DataSource } from "typeorm";
import { addConsent, type CustomerInputs } from "./access-inputs";

interface Row {
  customer_id: string;
  customer_status: string;
  customer_profile: string | null;
  consent_id: string;
  consent_expires_at: string | null;
  consent_withdrawn_at: string | null;
}

export interface ConsentingPage {
  customers: CustomerInputs[];
  /** Whether rows may follow the last customer of this page. */
  more: boolean;
}

/**
 * One keyset page of the customers that currently consent to this dealer for this purpose, walking
 * the (dealer_id, purpose_id, customer_id) index. The rows still go through the access decision.
 */
export async function consentingCustomers(
  dataSource: DataSource,
  query: { dealerId: string; purposeId: string; afterCustomerId: string; now: string; limit: number },
): Promise<ConsentingPage> {
  // One customer may hold several live consents (one row each), so fetch one row beyond the page.
  const fetch = query.limit + 1;
  const rows: Row[] = await dataSource.query(
    `SELECT c.id AS customer_id, c.status AS customer_status, c.profile AS customer_profile,
            cp.consent_id, cp.expires_at AS consent_expires_at, cp.withdrawn_at AS consent_withdrawn_at
       FROM consent_purposes cp JOIN customers c ON c.id = cp.customer_id
      WHERE cp.dealer_id = ? AND cp.purpose_id = ? AND cp.customer_id > ?
        AND cp.withdrawn_at IS NULL AND (cp.expires_at IS NULL OR cp.expires_at > ?) AND c.status = 'active'
      ORDER BY cp.customer_id
      LIMIT ?`,
    [query.dealerId, query.purposeId, query.afterCustomerId, query.now, fetch],
  );
  const customers: CustomerInputs[] = [];
  for (const row of rows) {
    let entry = customers.at(-1);
    if (entry?.id !== row.customer_id) {
      entry = { id: row.customer_id, customer: { status: row.customer_status }, consents: [], profile: row.customer_profile };
      customers.push(entry);
    }
    addConsent(entry, row);
  }
  return { customers: customers.slice(0, query.limit), more: customers.length > query.limit || rows.length === fetch };
}
