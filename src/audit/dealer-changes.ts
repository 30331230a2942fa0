import type { DataSource } from "typeorm";

/** The point-of-sale writes (contract 4.1): what dealers changed in a customer's record. */
export const POINT_OF_SALE_ACTIONS = ["customer.purchase.record", "customer.warranty.record", "customer.marketing.update"] as const;

export interface DealerChange {
  eventId: string;
  at: string;
  dealerId: string;
  action: string;
  /** The changed fields by name (`purchases.date`, `marketingPreferences.email`, ...), never their values. */
  changedFields: string[];
}

interface ChangeRow {
  id: string;
  at: string;
  dealer_id: string | null;
  action: string;
  detail: string | null;
}

/** Every change a dealer made to the customer's record, oldest first, from the audit log: a replay changed nothing and is left out. */
export async function dealerChanges(dataSource: DataSource, customerId: string): Promise<DealerChange[]> {
  const rows: ChangeRow[] = await dataSource.query(
    `SELECT id, at, dealer_id, action, detail FROM audit_events
      WHERE customer_id = ? AND action IN (${POINT_OF_SALE_ACTIONS.map(() => "?").join(", ")}) AND decision = 'allow' ORDER BY seq`,
    [customerId, ...POINT_OF_SALE_ACTIONS],
  );
  return rows.flatMap((row) => {
    const detail = (row.detail ? JSON.parse(row.detail) : {}) as { replayed?: boolean; changedFields?: unknown };
    if (detail.replayed) return [];
    const changedFields = Array.isArray(detail.changedFields) ? detail.changedFields.map(String) : [];
    return [{ eventId: row.id, at: row.at, dealerId: row.dealer_id ?? "", action: row.action, changedFields }];
  });
}
