import { needsTransferSafeguard } from "../dealers/countries";
import { WRITABLE_PURPOSE } from "../dealers/grant-schemas";
import { purposeScope, writeScope } from "../auth/tokens";

export interface PurposeState {
  id: string;
  fields: readonly string[];
}

export interface DealerState {
  status: string;
  country: string;
  transferSafeguard: string | null;
}

export interface CredentialState {
  revokedAt: string | null;
}

export interface GrantState {
  id: string;
  /** The fields the grant narrows the purpose to; null releases the purpose's defaults. */
  fields: readonly string[] | null;
  /** Whether the grant also allows writing (contract 4.1); absent means no. */
  write?: boolean;
  expiresAt: string | null;
  revokedAt: string | null;
  grantedAt: string;
}

export interface CustomerState {
  status: string;
}

export interface ConsentState {
  consentId: string;
  expiresAt: string | null;
  withdrawnAt: string | null;
}

/** The dealer-level facts of a decision: everything but the customer. */
export interface DealerAccessInput {
  /** The current time as a fixed-width ISO-8601 UTC string. */
  now: string;
  /** The requested purpose; null when missing or unknown. */
  purpose: PurposeState | null;
  dealer: DealerState | null;
  /** The token's credential; undefined when no token is involved (the admin access check), null when unknown. */
  credential?: CredentialState | null;
  /** The token's scopes at issue time; undefined when no token is involved. */
  tokenScopes?: readonly string[];
  /** Every grant row of the dealer for the purpose, live or not. */
  grants: readonly GrantState[];
  /** A point-of-sale write (contract 4.1) rather than a read; absent means a read. */
  intent?: "read" | "write";
}

export interface AccessInput extends DealerAccessInput {
  customer: CustomerState | null;
  /** Every consent-purpose row of this customer for this dealer and purpose, live or not. */
  consents: readonly ConsentState[];
}

export type DenyReason =
  | "dealer_unknown" | "dealer_suspended" | "credential_unknown" | "credential_revoked"
  | "invalid_purpose" | "purpose_not_granted" | "transfer_safeguard_missing" | "write_not_granted"
  | "customer_unknown" | "customer_erased" | "customer_restricted"
  | "consent_missing" | "consent_withdrawn" | "consent_expired";

export type Denial = { allow: false; reason: DenyReason; status: 400 | 401 | 403 | 404 };
export type DealerDecision = { allow: true; fields: string[]; grantId: string } | Denial;
export type Decision = { allow: true; fields: string[]; grantId: string; consentId: string; consentExpiresAt: string | null } | Denial;

export const TRANSFER_SAFEGUARDS: readonly string[] = ["adequacy", "scc"];

const deny = (reason: DenyReason, status: Denial["status"]): Denial => ({ allow: false, reason, status });

/** Live until the instant it expires: an expiry equal to `now` has passed. */
function isLive(expiresAt: string | null, now: string): boolean {
  return expiresAt === null || expiresAt > now;
}

const descending = (a: string, b: string) => (a > b ? -1 : a < b ? 1 : 0);

/** Among several live consents, the one that lasts longest (no expiry lasts longest of all); ties by id, so the choice is stable. */
function longestLasting(rows: ConsentState[]): ConsentState | undefined {
  const lasts = (row: ConsentState) => row.expiresAt ?? "9999";
  return [...rows].sort((a, b) => descending(lasts(a), lasts(b)) || descending(a.consentId, b.consentId))[0];
}

function liveGrant(grants: readonly GrantState[], now: string): GrantState | undefined {
  const live = grants.filter((grant) => grant.revokedAt === null && isLive(grant.expiresAt, now));
  return live.sort((a, b) => descending(a.grantedAt, b.grantedAt) || descending(a.id, b.id))[0];
}

/** The purpose's default fields, narrowed by the grant when the grant names fields; in the purpose's order. */
export function allowedFields(purpose: PurposeState, grant: Pick<GrantState, "fields">): string[] {
  if (grant.fields === null) return [...purpose.fields];
  const granted = new Set(grant.fields);
  return purpose.fields.filter((field) => granted.has(field));
}

/**
 * Everything about a request that does not depend on the customer, in the order a request meets it:
 * authentication (401), the purpose (400), the grant (403), the transfer safeguard (403), and for a
 * write the grant's and the token's write permission (403). A write names record_accuracy or is a 400.
 */
export function decideDealerAccess(input: DealerAccessInput): DealerDecision {
  const { now, purpose, dealer, credential } = input;
  if (!dealer) return deny("dealer_unknown", 401);
  if (dealer.status !== "active") return deny("dealer_suspended", 401);
  if (credential === null) return deny("credential_unknown", 401);
  if (credential && credential.revokedAt !== null) return deny("credential_revoked", 401);
  const writing = input.intent === "write";
  if (!purpose || (writing && purpose.id !== WRITABLE_PURPOSE)) return deny("invalid_purpose", 400);
  if (input.tokenScopes && !input.tokenScopes.includes(purposeScope(purpose.id))) return deny("purpose_not_granted", 403);
  const grant = liveGrant(input.grants, now);
  if (!grant) return deny("purpose_not_granted", 403);
  if (needsTransferSafeguard(dealer.country) && !TRANSFER_SAFEGUARDS.includes(dealer.transferSafeguard ?? "")) {
    return deny("transfer_safeguard_missing", 403);
  }
  if (writing && (grant.write !== true || (input.tokenScopes && !input.tokenScopes.includes(writeScope(purpose.id))))) return deny("write_not_granted", 403);
  return { allow: true, fields: allowedFields(purpose, grant), grantId: grant.id };
}

/**
 * Deny by default (contract 1.1): a dealer sees a customer only when every dealer-level check passes and
 * the customer is active and holds a live consent for this dealer and purpose. The customer-level
 * reasons all map to the same 404 so that a dealer cannot tell them apart (contract 1.3).
 */
export function decideAccess(input: AccessInput): Decision {
  const dealerDecision = decideDealerAccess(input);
  if (!dealerDecision.allow) return dealerDecision;
  const { customer, consents, now } = input;
  if (!customer) return deny("customer_unknown", 404);
  if (customer.status === "erased") return deny("customer_erased", 404);
  if (customer.status !== "active") return deny("customer_restricted", 404);
  if (consents.length === 0) return deny("consent_missing", 404);
  const consent = longestLasting(consents.filter((row) => row.withdrawnAt === null && isLive(row.expiresAt, now)));
  if (!consent) return consents.some((row) => row.withdrawnAt === null) ? deny("consent_expired", 404) : deny("consent_withdrawn", 404);
  return { ...dealerDecision, consentId: consent.consentId, consentExpiresAt: consent.expiresAt };
}
