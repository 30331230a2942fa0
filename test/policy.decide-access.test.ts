import { describe, expect, it } from "vitest";
import { decideAccess, decideDealerAccess, type AccessInput } from "../src/policy/decide-access";

const NOW = "2026-06-01T10:00:00.000Z";
const EARLIER = "2026-06-01T09:59:59.999Z";
const LATER = "2026-06-01T10:00:00.001Z";
const SERVICE_FIELDS = ["name", "email", "phone", "preferredLanguage", "serviceOrders", "warranties"];

function input(overrides: Partial<AccessInput> = {}): AccessInput {
  return {
    now: NOW,
    purpose: { id: "service_delivery", fields: SERVICE_FIELDS },
    dealer: { status: "active", country: "FR", transferSafeguard: null },
    credential: { revokedAt: null },
    tokenScopes: ["purpose:service_delivery"],
    grants: [{ id: "grant-1", fields: null, expiresAt: null, revokedAt: null, grantedAt: "2026-01-01T00:00:00.000Z" }],
    customer: { status: "active" },
    consents: [{ consentId: "consent-1", expiresAt: null, withdrawnAt: null }],
    ...overrides,
  };
}

const grant = (overrides: Partial<AccessInput["grants"][number]>) => ({ id: "grant-1", fields: null, expiresAt: null, revokedAt: null, grantedAt: "2026-01-01T00:00:00.000Z", ...overrides });
const consent = (overrides: Partial<AccessInput["consents"][number]>) => ({ consentId: "consent-1", expiresAt: null, withdrawnAt: null, ...overrides });
const outcome = (decision: ReturnType<typeof decideAccess>) => (decision.allow ? "allow" : `${decision.status} ${decision.reason}`);

describe("decideAccess: when every condition of contract 1.1 holds", () => {
  it("then it allows the purpose's default fields and names the grant and the consent", () => {
    expect(decideAccess(input())).toEqual({ allow: true, fields: SERVICE_FIELDS, grantId: "grant-1", consentId: "consent-1", consentExpiresAt: null });
  });
});

describe("decideAccess: each unmet condition denies with its own reason", () => {
  const cases: [string, Partial<AccessInput>, string][] = [
    ["the dealer is unknown", { dealer: null }, "401 dealer_unknown"],
    ["the dealer is suspended", { dealer: { status: "suspended", country: "FR", transferSafeguard: null } }, "401 dealer_suspended"],
    ["the credential is unknown", { credential: null }, "401 credential_unknown"],
    ["the credential is revoked", { credential: { revokedAt: EARLIER } }, "401 credential_revoked"],
    ["the purpose is missing or unknown", { purpose: null }, "400 invalid_purpose"],
    ["the token's scope lacks the purpose", { tokenScopes: ["purpose:record_accuracy"] }, "403 purpose_not_granted"],
    ["the token has no scope at all", { tokenScopes: [] }, "403 purpose_not_granted"],
    ["the dealer holds no grant", { grants: [] }, "403 purpose_not_granted"],
    ["the grant is revoked", { grants: [grant({ revokedAt: EARLIER })] }, "403 purpose_not_granted"],
    ["the grant expired", { grants: [grant({ expiresAt: EARLIER })] }, "403 purpose_not_granted"],
    ["the grant expires exactly now", { grants: [grant({ expiresAt: NOW })] }, "403 purpose_not_granted"],
    ["a US dealer has no transfer safeguard", { dealer: { status: "active", country: "US", transferSafeguard: null } }, "403 transfer_safeguard_missing"],
    ["a JP dealer has an unrecognised safeguard", { dealer: { status: "active", country: "JP", transferSafeguard: "bcr" } }, "403 transfer_safeguard_missing"],
    ["a UK dealer has no safeguard (outside the EEA)", { dealer: { status: "active", country: "GB", transferSafeguard: null } }, "403 transfer_safeguard_missing"],
    ["the customer is unknown", { customer: null, consents: [] }, "404 customer_unknown"],
    ["the customer is erased", { customer: { status: "erased" } }, "404 customer_erased"],
    ["the customer is restricted", { customer: { status: "restricted" } }, "404 customer_restricted"],
    ["the customer has an unexpected status", { customer: { status: "pending" } }, "404 customer_restricted"],
    ["the customer never consented to this dealer and purpose", { consents: [] }, "404 consent_missing"],
    ["the consent was withdrawn", { consents: [consent({ withdrawnAt: EARLIER })] }, "404 consent_withdrawn"],
    ["the consent expired", { consents: [consent({ expiresAt: EARLIER })] }, "404 consent_expired"],
    ["the consent expires exactly now", { consents: [consent({ expiresAt: NOW })] }, "404 consent_expired"],
    ["one consent was withdrawn and another expired", { consents: [consent({ withdrawnAt: EARLIER }), consent({ consentId: "c2", expiresAt: EARLIER })] }, "404 consent_expired"],
    ["every consent was withdrawn, one after expiring", { consents: [consent({ withdrawnAt: EARLIER, expiresAt: EARLIER })] }, "404 consent_withdrawn"],
  ];
  it.each(cases)("when %s, then it denies", (_name, overrides, expected) => {
    expect(outcome(decideAccess(input(overrides)))).toBe(expected);
  });
});

describe("decideAccess: boundaries and choices that still allow", () => {
  const allowed: [string, Partial<AccessInput>][] = [
    ["the grant expires a millisecond from now", { grants: [grant({ expiresAt: LATER })] }],
    ["the consent expires a millisecond from now", { consents: [consent({ expiresAt: LATER })] }],
    ["a Swiss dealer has no safeguard", { dealer: { status: "active", country: "CH", transferSafeguard: null } }],
    ["a Norwegian (EEA, not EU) dealer has no safeguard", { dealer: { status: "active", country: "NO", transferSafeguard: null } }],
    ["a US dealer has standard contractual clauses", { dealer: { status: "active", country: "US", transferSafeguard: "scc" } }],
    ["a JP dealer has an adequacy decision", { dealer: { status: "active", country: "JP", transferSafeguard: "adequacy" } }],
    ["no token is involved (admin access check)", { credential: undefined, tokenScopes: undefined }],
    ["the token holds several purposes", { tokenScopes: ["purpose:record_accuracy", "purpose:service_delivery"] }],
  ];
  it.each(allowed)("when %s, then it allows", (_name, overrides) => {
    expect(outcome(decideAccess(input(overrides)))).toBe("allow");
  });

  it("when an old grant is revoked and a newer one is live, then the live grant justifies the access", () => {
    const decision = decideAccess(input({ grants: [grant({ id: "old", revokedAt: EARLIER }), grant({ id: "new", grantedAt: "2026-05-01T00:00:00.000Z" })] }));
    expect(decision).toMatchObject({ allow: true, grantId: "new" });
  });

  it("when two grants are live, then the most recently granted one applies", () => {
    const decision = decideAccess(input({ grants: [grant({ id: "older", fields: ["name"] }), grant({ id: "newer", fields: ["email"], grantedAt: "2026-05-01T00:00:00.000Z" })] }));
    expect(decision).toMatchObject({ allow: true, grantId: "newer", fields: ["email"] });
  });

  it("when a withdrawn consent sits beside a live one, then the live consent justifies the access", () => {
    const decision = decideAccess(input({ consents: [consent({ consentId: "gone", withdrawnAt: EARLIER }), consent({ consentId: "live", expiresAt: LATER })] }));
    expect(decision).toMatchObject({ allow: true, consentId: "live", consentExpiresAt: LATER });
  });

  it("when several consents are live, then the longest-lasting one is named", () => {
    const consents = [consent({ consentId: "short", expiresAt: LATER }), consent({ consentId: "open" }), consent({ consentId: "long", expiresAt: "2027-01-01T00:00:00.000Z" })];
    expect(decideAccess(input({ consents }))).toMatchObject({ consentId: "open" });
    expect(decideAccess(input({ consents: consents.filter((c) => c.consentId !== "open") }))).toMatchObject({ consentId: "long" });
  });
});

describe("decideAccess: fields (contract 1.2)", () => {
  it("when the grant names fields, then the purpose's defaults are narrowed to them, in the purpose's order", () => {
    const decision = decideAccess(input({ grants: [grant({ fields: ["warranties", "name"] })] }));
    expect(decision).toMatchObject({ allow: true, fields: ["name", "warranties"] });
  });

  it("when the grant names a field outside the purpose, then that field is not released", () => {
    const decision = decideAccess(input({ grants: [grant({ fields: ["name", "birthDate", "postalAddress"] })] }));
    expect(decision).toMatchObject({ allow: true, fields: ["name"] });
  });

  it("when the grant names no fields at all, then nothing is released", () => {
    expect(decideAccess(input({ grants: [grant({ fields: [] })] }))).toMatchObject({ allow: true, fields: [] });
  });
});

describe("decideAccess: order of checks", () => {
  const cases: [string, Partial<AccessInput>, string][] = [
    ["a suspended dealer asks for an unknown purpose", { dealer: { status: "suspended", country: "FR", transferSafeguard: null }, purpose: null }, "401 dealer_suspended"],
    ["a revoked credential asks for an unknown purpose", { credential: { revokedAt: EARLIER }, purpose: null }, "401 credential_revoked"],
    ["an unknown purpose comes without a grant", { purpose: null, grants: [] }, "400 invalid_purpose"],
    ["an ungranted purpose names an unknown customer", { grants: [], customer: null, consents: [] }, "403 purpose_not_granted"],
    ["an ungranted purpose comes from a dealer without safeguard", { grants: [], dealer: { status: "active", country: "US", transferSafeguard: null } }, "403 purpose_not_granted"],
    ["a dealer without safeguard names an erased customer", { dealer: { status: "active", country: "US", transferSafeguard: null }, customer: { status: "erased" } }, "403 transfer_safeguard_missing"],
    ["an erased customer has no consent", { customer: { status: "erased" }, consents: [] }, "404 customer_erased"],
    ["a restricted customer has a withdrawn consent", { customer: { status: "restricted" }, consents: [consent({ withdrawnAt: EARLIER })] }, "404 customer_restricted"],
  ];
  it.each(cases)("when %s, then the dealer-level reason wins", (_name, overrides, expected) => {
    expect(outcome(decideAccess(input(overrides)))).toBe(expected);
  });
});

describe("decideDealerAccess", () => {
  it("when the dealer may use the purpose, then it allows with the fields and grant, whatever the customer", () => {
    expect(decideDealerAccess(input({ customer: null }))).toEqual({ allow: true, fields: SERVICE_FIELDS, grantId: "grant-1" });
  });

  it("when the grant is missing, then it denies like decideAccess does", () => {
    expect(decideDealerAccess(input({ grants: [] }))).toEqual({ allow: false, reason: "purpose_not_granted", status: 403 });
  });
});

describe("decideAccess for a point-of-sale write (contract 4.1)", () => {
  const RECORD_FIELDS = ["name", "email", "phone", "postalAddress", "birthDate", "purchases", "warranties", "marketingPreferences"];
  const writeInput = (overrides: Partial<AccessInput> = {}) => input({
    intent: "write",
    purpose: { id: "record_accuracy", fields: RECORD_FIELDS },
    tokenScopes: ["purpose:record_accuracy", "purpose:record_accuracy:write"],
    grants: [grant({ write: true })],
    ...overrides,
  });

  it("when the grant and the token allow writing, then the write is allowed as the read would be", () => {
    expect(decideAccess(writeInput())).toEqual({ allow: true, fields: RECORD_FIELDS, grantId: "grant-1", consentId: "consent-1", consentExpiresAt: null });
  });

  const cases: [string, Partial<AccessInput>, string][] = [
    ["the write names another purpose", { purpose: { id: "service_delivery", fields: SERVICE_FIELDS }, tokenScopes: ["purpose:service_delivery"], grants: [grant({ write: true })] }, "400 invalid_purpose"],
    ["the write names no purpose", { purpose: null }, "400 invalid_purpose"],
    ["the live grant does not allow writing", { grants: [grant({ write: false })] }, "403 write_not_granted"],
    ["the live grant says nothing of writing", { grants: [grant({})] }, "403 write_not_granted"],
    ["the token was issued without the write scope", { tokenScopes: ["purpose:record_accuracy"] }, "403 write_not_granted"],
    ["an older grant allowed writing but the newest live one does not", {
      grants: [grant({ id: "old", write: true }), grant({ id: "new", write: false, grantedAt: "2026-05-01T00:00:00.000Z" })],
    }, "403 write_not_granted"],
    ["the writing grant is revoked", { grants: [grant({ write: true, revokedAt: EARLIER })] }, "403 purpose_not_granted"],
    ["the token lacks the purpose itself", { tokenScopes: ["purpose:record_accuracy:write"] }, "403 purpose_not_granted"],
    ["a dealer without safeguard writes without permission", { dealer: { status: "active", country: "US", transferSafeguard: null }, grants: [grant({ write: false })] }, "403 transfer_safeguard_missing"],
    ["a grant without write meets a restricted customer", { grants: [grant({ write: false })], customer: { status: "restricted" } }, "403 write_not_granted"],
    ["the customer is restricted", { customer: { status: "restricted" } }, "404 customer_restricted"],
    ["the customer is erased", { customer: { status: "erased" } }, "404 customer_erased"],
    ["the consent was withdrawn", { consents: [consent({ withdrawnAt: EARLIER })] }, "404 consent_withdrawn"],
    ["the credential is revoked", { credential: { revokedAt: EARLIER } }, "401 credential_revoked"],
  ];
  it.each(cases)("when %s, then it denies", (_name, overrides, expected) => {
    expect(outcome(decideAccess(writeInput(overrides)))).toBe(expected);
  });

  it("when no token is involved (the admin access check), then the grant alone decides", () => {
    expect(outcome(decideAccess(writeInput({ credential: undefined, tokenScopes: undefined })))).toBe("allow");
    expect(outcome(decideAccess(writeInput({ credential: undefined, tokenScopes: undefined, grants: [grant({})] })))).toBe("403 write_not_granted");
  });

  it("when a grant allows writing, then a read under it is unaffected", () => {
    expect(decideAccess(input({ grants: [grant({ write: true })] }))).toEqual(decideAccess(input()));
  });
});
