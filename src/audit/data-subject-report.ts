import type { DataSource } from "typeorm";
import { dealersConsentedBy } from "../consents/dealer-events";
import { listCustomerConsents } from "../consents/consent-queries";
import type { ConsentView } from "../consents/consent-representation";
import { problems } from "../http/problem";
import { preferenceHistory } from "../customers/marketing-preferences";
import { dealerChanges, type DealerChange } from "./dealer-changes";

/** The dealer actions that hand a customer's data to a dealer. */
export const DISCLOSING_ACTIONS = ["customer.read", "customer.lookup", "customer.list"] as const;

export interface Disclosure {
  eventId: string;
  at: string;
  dealerId: string;
  action: string;
  purpose: string | null;
  fields: string[];
  consentId: string | null;
  grantId: string | null;
}

export interface Recipient {
  dealerId: string;
  name: string | null;
  country: string | null;
  firstAt: string;
  lastAt: string;
  disclosures: number;
  purposes: string[];
  fields: string[];
}

export interface DataSubjectReport {
  customerId: string;
  status: string;
  restrictedAt?: string;
  erasedAt?: string;
  generatedAt: string;
  recipients: Recipient[];
  disclosures: Disclosure[];
  consents: ConsentView[];
  /** What dealers registered at the point of sale (contract 4.1). */
  dealerChanges: DealerChange[];
  /** Policy P8: every marketing preference set, with who recorded it, when and on what evidence. */
  marketingPreferenceHistory: Awaited<ReturnType<typeof preferenceHistory>>;
}

interface CustomerRow {
  id: string;
  status: string;
  restricted_at: string | null;
  erased_at: string | null;
}

interface DisclosureRow {
  seq: number | string;
  id: string;
  at: string;
  dealer_id: string | null;
  action: string;
  customer_id: string | null;
  purpose: string | null;
  fields: string | null;
  consent_id: string | null;
  grant_id: string | null;
  detail: string | null;
}

const parseJson = (text: string | null): unknown => {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
};

const SELECT_DISCLOSURE = "SELECT seq, id, at, dealer_id, action, customer_id, purpose, fields, consent_id, grant_id, detail FROM audit_events";
const ACTIONS_IN = `action IN (${DISCLOSING_ACTIONS.map(() => "?").join(", ")})`;

/**
 * Allowed disclosures naming the customer: events with the customer's id (reads, single-match lookups),
 * plus lookups and list pages that name it among several in `detail.customerIds`. Only dealers the
 * customer ever consented to can have received it, so that second search is limited to their events.
 */
async function disclosureRows(dataSource: DataSource, customerId: string): Promise<DisclosureRow[]> {
  const named: DisclosureRow[] = await dataSource.query(
    `${SELECT_DISCLOSURE} WHERE customer_id = ? AND ${ACTIONS_IN} AND decision = 'allow'`, [customerId, ...DISCLOSING_ACTIONS],
  );
  const dealers = await dealersConsentedBy(dataSource.manager, customerId);
  const listed: DisclosureRow[] = dealers.length === 0 ? [] : await dataSource.query(
    `${SELECT_DISCLOSURE} WHERE dealer_id IN (${dealers.map(() => "?").join(", ")}) AND action IN (?, ?) AND decision = 'allow'
       AND customer_id IS NULL AND detail LIKE ?`,
    [...dealers, "customer.lookup", "customer.list", `%"${customerId}"%`],
  );
  return [...named, ...listed].sort((a, b) => Number(a.seq) - Number(b.seq));
}

function disclosureOf(row: DisclosureRow, customerId: string): Disclosure | undefined {
  const detail = parseJson(row.detail) as { customerIds?: unknown; consentIds?: unknown } | null;
  let consentId = row.consent_id;
  if (row.customer_id !== customerId) {
    const ids = Array.isArray(detail?.customerIds) ? detail.customerIds : [];
    const index = ids.indexOf(customerId);
    if (index === -1) return undefined;
    const consents = Array.isArray(detail?.consentIds) ? detail.consentIds : [];
    consentId = typeof consents[index] === "string" ? consents[index] : null;
  }
  const fields = parseJson(row.fields);
  return {
    eventId: row.id, at: row.at, dealerId: row.dealer_id ?? "", action: row.action, purpose: row.purpose,
    fields: Array.isArray(fields) ? fields.map(String) : [], consentId, grantId: row.grant_id,
  };
}

async function recipientsOf(dataSource: DataSource, disclosures: Disclosure[]): Promise<Recipient[]> {
  const byDealer = new Map<string, Recipient>();
  for (const item of disclosures) {
    const entry = byDealer.get(item.dealerId) ?? {
      dealerId: item.dealerId, name: null, country: null, firstAt: item.at, lastAt: item.at, disclosures: 0, purposes: [], fields: [],
    };
    entry.disclosures += 1;
    if (item.at < entry.firstAt) entry.firstAt = item.at;
    if (item.at > entry.lastAt) entry.lastAt = item.at;
    entry.purposes = [...new Set([...entry.purposes, ...(item.purpose ? [item.purpose] : [])])].sort();
    entry.fields = [...new Set([...entry.fields, ...item.fields])].sort();
    byDealer.set(item.dealerId, entry);
  }
  const ids = [...byDealer.keys()];
  if (ids.length > 0) {
    const dealers: { id: string; name: string; country: string }[] = await dataSource.query(
      `SELECT id, name, country FROM dealers WHERE id IN (${ids.map(() => "?").join(", ")})`, ids,
    );
    for (const dealer of dealers) Object.assign(byDealer.get(dealer.id)!, { name: dealer.name, country: dealer.country });
  }
  return [...byDealer.values()].sort((a, b) => a.firstAt.localeCompare(b.firstAt));
}

export async function customerExists(dataSource: DataSource, customerId: string): Promise<CustomerRow | undefined> {
  const rows: CustomerRow[] = await dataSource.query("SELECT id, status, restricted_at, erased_at FROM customers WHERE id = ?", [customerId]);
  return rows[0];
}

/**
 * The data-subject access report: which dealers received the customer's data, when, for which purpose,
 * which fields and under which consent and grant, oldest first, with the full consent history, what
 * dealers registered in the record and the marketing preference history. Ids only,
 * so it works the same for an erased customer's tombstone.
 */
export async function dataSubjectReport(dataSource: DataSource, customerId: string, now: Date): Promise<DataSubjectReport> {
  const customer = await customerExists(dataSource, customerId);
  if (!customer) throw problems.notFound("No such customer");
  const disclosures = (await disclosureRows(dataSource, customerId))
    .map((row) => disclosureOf(row, customerId))
    .filter((item): item is Disclosure => item !== undefined);
  return {
    customerId: customer.id,
    status: customer.status,
    ...(customer.restricted_at ? { restrictedAt: customer.restricted_at } : {}),
    ...(customer.erased_at ? { erasedAt: customer.erased_at } : {}),
    generatedAt: now.toISOString(),
    recipients: await recipientsOf(dataSource, disclosures),
    disclosures,
    consents: await listCustomerConsents(dataSource.manager, customerId, now),
    dealerChanges: await dealerChanges(dataSource, customerId),
    marketingPreferenceHistory: await preferenceHistory(dataSource.manager, customerId),
  };
}
