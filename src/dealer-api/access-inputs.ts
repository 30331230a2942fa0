import type { DataSource, EntityManager } from "typeorm";
import { hotQuery } from "../db/direct-pool";
import type { ConsentState, CustomerState, DealerAccessInput, GrantState, PurposeState } from "../policy/decide-access";
import { findPurpose } from "../purposes/purpose-queries";

/** How the customers of a decision are found: by id (a read), or by email or phone (a lookup). */
export type CustomerSelector = { by: "id" | "email" | "phone"; value: string };

export interface CustomerInputs {
  id: string;
  customer: CustomerState;
  consents: ConsentState[];
  /** The record as stored (JSON text); read only once the decision allows it. */
  profile: string | null;
}

export type DealerInputs = Pick<DealerAccessInput, "dealer" | "credential" | "grants">;

export interface AccessInputs {
  dealerSide: DealerInputs;
  customers: CustomerInputs[];
}

interface Row {
  dealer_status: string | null;
  dealer_country: string | null;
  dealer_safeguard: string | null;
  credential_id?: string | null;
  credential_revoked_at?: string | null;
  grant_id: string | null;
  grant_fields: string | null;
  grant_write: number | string | null;
  grant_expires_at: string | null;
  grant_revoked_at: string | null;
  granted_at: string | null;
  customer_id?: string | null;
  customer_status?: string | null;
  customer_profile?: string | null;
  consent_id?: string | null;
  consent_expires_at?: string | null;
  consent_withdrawn_at?: string | null;
}

/** The purpose a request names, or null when it is missing, repeated or unknown (the decision turns that into 400 invalid_purpose). */
export async function requestedPurpose(deps: { dataSource: DataSource }, raw: unknown): Promise<PurposeState | null> {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 64) return null;
  return (await findPurpose(deps.dataSource, raw)) ?? null;
}

const CUSTOMER_COLUMN: Record<CustomerSelector["by"], string> = { id: "c.id", email: "c.email_normalized", phone: "c.phone" };

export interface AccessQuery {
  dealerId: string;
  purposeId: string;
  /** The token's client id; omitted when no token is involved (the admin access check). */
  clientId?: string;
  customer?: CustomerSelector;
}

/**
 * Every input of the access decision in ONE indexed query, read fresh on every request so that a
 * revocation on any gateway process bites at once; in `transaction` when one is given. The customer join runs whatever the outcome, so
 * "unknown" and "not consented" cost the same time.
 */
export async function loadAccessInputs(dataSource: DataSource, query: AccessQuery, transaction?: EntityManager): Promise<AccessInputs> {
  const columns = [
    "d.status AS dealer_status, d.country AS dealer_country, d.transfer_safeguard AS dealer_safeguard",
    "g.id AS grant_id, g.fields AS grant_fields, g.allows_write AS grant_write, g.expires_at AS grant_expires_at, g.revoked_at AS grant_revoked_at, g.granted_at",
  ];
  const joins: string[] = [];
  const params: unknown[] = [];
  if (query.clientId !== undefined) {
    columns.push("cr.client_id AS credential_id, cr.revoked_at AS credential_revoked_at");
    joins.push("LEFT JOIN dealer_credentials cr ON cr.client_id = ? AND cr.dealer_id = d.id");
    params.push(query.clientId);
  }
  joins.push("LEFT JOIN dealer_grants g ON g.dealer_id = d.id AND g.purpose_id = ?");
  params.push(query.purposeId);
  if (query.customer) {
    columns.push(
      "c.id AS customer_id, c.status AS customer_status, c.profile AS customer_profile",
      "cp.consent_id, cp.expires_at AS consent_expires_at, cp.withdrawn_at AS consent_withdrawn_at",
    );
    joins.push(
      `LEFT JOIN customers c ON ${CUSTOMER_COLUMN[query.customer.by]} = ?`,
      "LEFT JOIN consent_purposes cp ON cp.customer_id = c.id AND cp.dealer_id = d.id AND cp.purpose_id = ?",
    );
    params.push(query.customer.value, query.purposeId);
  }
  params.push(query.dealerId);
  const sql = `SELECT ${columns.join(", ")} FROM dealers d ${joins.join(" ")} WHERE d.id = ?`;
  // A write decides inside its own transaction, after locking the customer row; a read uses the prepared statement.
  const rows: Row[] = transaction ? await transaction.query(sql, params) : await hotQuery<Row>(dataSource, sql, params);
  return { dealerSide: dealerSideOf(rows, query.clientId), customers: customersOf(rows) };
}

function dealerSideOf(rows: Row[], clientId: string | undefined): DealerInputs {
  const first = rows[0];
  const dealer = first?.dealer_status ? { status: first.dealer_status, country: first.dealer_country ?? "", transferSafeguard: first.dealer_safeguard } : null;
  const grants = new Map<string, GrantState>();
  for (const row of rows) {
    if (row.grant_id && !grants.has(row.grant_id)) {
      grants.set(row.grant_id, {
        id: row.grant_id, fields: parseFields(row.grant_fields), write: Number(row.grant_write) === 1, expiresAt: row.grant_expires_at, revokedAt: row.grant_revoked_at, grantedAt: row.granted_at ?? "",
      });
    }
  }
  // Exactly the token's client id: the join's collation would also match another letter case or trailing spaces.
  const credential = clientId !== undefined ? (first?.credential_id === clientId ? { revokedAt: first.credential_revoked_at ?? null } : null) : undefined;
  return { dealer, credential, grants: [...grants.values()] };
}

function customersOf(rows: Row[]): CustomerInputs[] {
  const customers = new Map<string, CustomerInputs>();
  for (const row of rows) {
    if (!row.customer_id || !row.customer_status) continue;
    let entry = customers.get(row.customer_id);
    if (!entry) {
      entry = { id: row.customer_id, customer: { status: row.customer_status }, consents: [], profile: row.customer_profile ?? null };
      customers.set(row.customer_id, entry);
    }
    addConsent(entry, row);
  }
  return [...customers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Adds a row's consent once: the grant join repeats it for every grant row. */
export function addConsent(entry: CustomerInputs, row: Pick<Row, "consent_id" | "consent_expires_at" | "consent_withdrawn_at">): void {
  if (!row.consent_id || entry.consents.some((consent) => consent.consentId === row.consent_id)) return;
  entry.consents.push({ consentId: row.consent_id, expiresAt: row.consent_expires_at ?? null, withdrawnAt: row.consent_withdrawn_at ?? null });
}

function parseFields(raw: string | null): string[] | null {
  if (raw === null) return null;
  const parsed: unknown = JSON.parse(raw);
  // A grant whose field list cannot be read releases nothing rather than everything.
  return Array.isArray(parsed) ? parsed.map(String) : [];
}
