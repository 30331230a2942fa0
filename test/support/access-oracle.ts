/**
 * Contract 1.1 written out a second time, as plainly as possible and without the gateway's code, so
 * the property tests can hold `decideAccess` and the whole HTTP stack against it.
 */

/** Contract section 3. */
export const PURPOSE_FIELDS: Record<string, string[]> = {
  service_delivery: ["name", "email", "phone", "preferredLanguage", "serviceOrders", "warranties"],
  in_store_experience: ["name", "preferredLanguage", "interests", "purchases"],
  record_accuracy: ["name", "email", "phone", "postalAddress", "birthDate", "purchases", "warranties", "marketingPreferences"],
  relationship_management: ["name", "preferredLanguage", "preferredBoutique", "interests"],
};

/** The 27 EU members, Iceland, Liechtenstein, Norway, and Switzerland (policy P11). */
const NO_SAFEGUARD_NEEDED = new Set(
  "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO CH".split(" "),
);

export interface OracleInput {
  now: string;
  purpose: { id: string; fields: readonly string[] } | null;
  dealer: { status: string; country: string; transferSafeguard: string | null } | null;
  credential?: { revokedAt: string | null } | null;
  tokenScopes?: readonly string[];
  grants: readonly { id: string; fields: readonly string[] | null; write?: boolean; expiresAt: string | null; revokedAt: string | null; grantedAt: string }[];
  /** Contract 4.1: a point-of-sale write instead of a read. */
  intent?: "read" | "write";
  customer: { status: string } | null;
  consents: readonly { consentId: string; expiresAt: string | null; withdrawnAt: string | null }[];
}

export interface OracleDenial {
  reason: string;
  status: number;
}

const notExpired = (expiresAt: string | null, now: string) => expiresAt === null || Date.parse(expiresAt) > Date.parse(now);

/** Contract 4.1: the one purpose under which a dealer may write. */
const WRITABLE = "record_accuracy";

const liveGrants = (input: OracleInput) => input.grants.filter((grant) => grant.revokedAt === null && notExpired(grant.expiresAt, input.now));
/** The grant that applies: the live one granted last. */
const latestLive = (input: OracleInput) => liveGrants(input).reduce<OracleInput["grants"][number] | undefined>(
  (a, b) => (a === undefined || b.grantedAt > a.grantedAt || (b.grantedAt === a.grantedAt && b.id > a.id) ? b : a), undefined);

/** Every condition of contract 1.1 (and 4.1 for a write) that fails, in the order a request meets them. */
export function expectedDenials(input: OracleInput): OracleDenial[] {
  const failing: OracleDenial[] = [];
  const fail = (reason: string, status: number) => failing.push({ reason, status });
  if (input.dealer === null) fail("dealer_unknown", 401);
  else if (input.dealer.status !== "active") fail("dealer_suspended", 401);
  if (input.credential === null) fail("credential_unknown", 401);
  else if (input.credential !== undefined && input.credential.revokedAt !== null) fail("credential_revoked", 401);
  const writing = input.intent === "write";
  if (input.purpose === null || (writing && input.purpose.id !== WRITABLE)) fail("invalid_purpose", 400);
  else {
    if (input.tokenScopes !== undefined && !input.tokenScopes.includes(`purpose:${input.purpose.id}`)) fail("purpose_not_granted", 403);
    if (liveGrants(input).length === 0) fail("purpose_not_granted", 403);
  }
  if (input.dealer !== null && !NO_SAFEGUARD_NEEDED.has(input.dealer.country) && input.dealer.transferSafeguard !== "adequacy" && input.dealer.transferSafeguard !== "scc") {
    fail("transfer_safeguard_missing", 403);
  }
  if (writing && input.purpose !== null) {
    const grant = latestLive(input);
    const tokenMayWrite = input.tokenScopes === undefined || input.tokenScopes.includes(`purpose:${input.purpose.id}:write`);
    if (grant && (grant.write !== true || !tokenMayWrite)) fail("write_not_granted", 403);
  }
  if (input.customer === null) fail("customer_unknown", 404);
  else if (input.customer.status === "erased") fail("customer_erased", 404);
  else if (input.customer.status !== "active") fail("customer_restricted", 404);
  const live = input.consents.filter((consent) => consent.withdrawnAt === null && notExpired(consent.expiresAt, input.now));
  if (live.length === 0) {
    if (input.consents.length === 0) fail("consent_missing", 404);
    if (input.consents.some((consent) => consent.withdrawnAt !== null)) fail("consent_withdrawn", 404);
    if (input.consents.some((consent) => consent.withdrawnAt === null)) fail("consent_expired", 404);
  }
  return failing;
}

export type OracleDecision = { allow: true; fields: string[] } | { allow: false; reason: string; status: number };

/**
 * Allow iff nothing fails. A denial reports the first failing condition; a consent that is not
 * withdrawn but past its expiry reads as expired (contract section 5), so "expired" wins over
 * "withdrawn" when both kinds of rows exist. The fields are the purpose's, narrowed by the grant
 * granted last among the live ones.
 */
export function accessOracle(input: OracleInput): OracleDecision {
  const failing = expectedDenials(input);
  if (failing.length > 0) {
    const first = failing[0]!;
    const reason = first.reason === "consent_withdrawn" && failing.some((denial) => denial.reason === "consent_expired") ? "consent_expired" : first.reason;
    return { allow: false, reason, status: first.status };
  }
  const latest = latestLive(input)!;
  const purposeFields = input.purpose!.fields;
  return { allow: true, fields: latest.fields === null ? [...purposeFields] : purposeFields.filter((field) => latest.fields!.includes(field)) };
}
