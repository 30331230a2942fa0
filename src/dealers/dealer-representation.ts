import type { Purpose } from "../purposes/purpose.entity";
import type { Dealer, DealerCredential, DealerGrant } from "./dealer.entity";

export function dealerBody(dealer: Dealer) {
  return {
    id: dealer.id,
    name: dealer.name,
    country: dealer.country,
    transferSafeguard: dealer.transferSafeguard ?? null,
    status: dealer.status,
    createdAt: dealer.createdAt,
    updatedAt: dealer.updatedAt,
  };
}

/** Never the secret or its hash: the secret is shown once, in the creation response only. */
export function credentialBody(credential: DealerCredential) {
  return {
    clientId: credential.clientId,
    status: credential.revokedAt ? ("revoked" as const) : ("active" as const),
    createdAt: credential.createdAt,
    createdBy: credential.createdBy,
    revokedAt: credential.revokedAt,
    revokedBy: credential.revokedBy,
  };
}

export type GrantStatus = "active" | "expired" | "revoked";

export function grantStatus(grant: DealerGrant, now: Date): GrantStatus {
  if (grant.revokedAt) return "revoked";
  if (grant.expiresAt && grant.expiresAt <= now.toISOString()) return "expired";
  return "active";
}

export function isLiveGrant(grant: DealerGrant, now: Date): boolean {
  return grantStatus(grant, now) === "active";
}

/** `fields: null` means the purpose's defaults; `effectiveFields` spells out what the dealer may receive. */
export function grantBody(grant: DealerGrant, purpose: Purpose | undefined, now: Date) {
  return {
    id: grant.id,
    dealerId: grant.dealerId,
    purpose: grant.purposeId,
    status: grantStatus(grant, now),
    fields: grant.fields,
    effectiveFields: grant.fields ?? purpose?.fields ?? [],
    write: grant.write,
    expiresAt: grant.expiresAt,
    grantedAt: grant.grantedAt,
    grantedBy: grant.grantedBy,
    revokedAt: grant.revokedAt,
    revokedBy: grant.revokedBy,
  };
}
