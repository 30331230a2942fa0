import type { Consent, ConsentHistoryEntry, ConsentPurpose } from "./consent.entity";

export type ConsentStatus = "active" | "withdrawn" | "expired";

function isPast(at: string | null, now: Date): boolean {
  return at !== null && Date.parse(at) <= now.getTime();
}

/**
 * The status rule of the contract: all purposes withdrawn reads "withdrawn"; otherwise a consent at or
 * past its expiry reads "expired"; otherwise "active". A consent without purposes grants nothing, so it
 * never reads "active".
 */
export function consentStatus(consent: { expiresAt: string | null; purposes: { withdrawnAt: string | null }[] }, now: Date): ConsentStatus {
  if (consent.purposes.every((purpose) => purpose.withdrawnAt !== null)) return "withdrawn";
  if (isPast(consent.expiresAt, now)) return "expired";
  return "active";
}

/** The same rule for one purpose of a consent. */
export function purposeStatus(purpose: { withdrawnAt: string | null; expiresAt: string | null }, now: Date): ConsentStatus {
  if (purpose.withdrawnAt !== null) return "withdrawn";
  return isPast(purpose.expiresAt, now) ? "expired" : "active";
}

export interface ConsentView {
  id: string;
  customerId: string;
  dealerId: string;
  purposes: string[];
  purposeStates: { purpose: string; status: ConsentStatus; withdrawnAt: string | null }[];
  channel: string;
  evidenceRef: string;
  policyVersion: string;
  expiresAt: string | null;
  status: ConsentStatus;
  createdAt: string;
  createdBy: string;
  history: { action: string; purposes: string[]; actorType: string; actorId: string; reason: string | null; at: string }[];
}

/** A consent as the admin API shows it, with its status as of `now` and its history oldest first. */
export function consentView(consent: Consent, purposes: ConsentPurpose[], history: ConsentHistoryEntry[], now: Date): ConsentView {
  const ordered = [...purposes].sort((a, b) => a.purposeId.localeCompare(b.purposeId));
  return {
    id: consent.id,
    customerId: consent.customerId,
    dealerId: consent.dealerId,
    purposes: ordered.map((purpose) => purpose.purposeId),
    purposeStates: ordered.map((purpose) => ({ purpose: purpose.purposeId, status: purposeStatus(purpose, now), withdrawnAt: purpose.withdrawnAt })),
    channel: consent.channel,
    evidenceRef: consent.evidenceRef,
    policyVersion: consent.policyVersion,
    expiresAt: consent.expiresAt,
    status: consentStatus({ expiresAt: consent.expiresAt, purposes: ordered }, now),
    createdAt: consent.createdAt,
    createdBy: consent.createdBy,
    history: history.map((entry) => ({
      action: entry.action, purposes: entry.purposes, actorType: entry.actorType, actorId: entry.actorId, reason: entry.reason, at: entry.at,
    })),
  };
}
