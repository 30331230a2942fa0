import type { Decision } from "../policy/decide-access";

type Allowed = Extract<Decision, { allow: true }>;

export interface CustomerView {
  id: string;
  purpose: string;
  data: Record<string, unknown>;
  consent: { id: string; expiresAt: string | null };
}

/**
 * The record cut down to the fields the decision allows (contract 1.2). A field the record lacks is
 * left out rather than sent as null, so nothing beyond the allowed, present fields leaves the gateway.
 */
export function projectCustomer(customerId: string, purposeId: string, profile: string | null, decision: Allowed): { view: CustomerView; fields: string[] } {
  const record: Record<string, unknown> = profile ? (JSON.parse(profile) as Record<string, unknown>) : {};
  const data: Record<string, unknown> = {};
  for (const field of decision.fields) {
    const value = Object.hasOwn(record, field) ? record[field] : undefined;
    if (value !== undefined && value !== null) data[field] = value;
  }
  return {
    view: { id: customerId, purpose: purposeId, data, consent: { id: decision.consentId, expiresAt: decision.consentExpiresAt } },
    fields: Object.keys(data),
  };
}
