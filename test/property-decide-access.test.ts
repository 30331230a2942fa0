import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideAccess, type AccessInput, type ConsentState, type GrantState } from "../src/policy/decide-access";
import { accessOracle, expectedDenials, PURPOSE_FIELDS } from "./support/access-oracle";

/**
 * Contract 1.1 and 1.2 as properties of the pure decision: for any dealer, credential, token, grants,
 * customer, consents and clock, `decideAccess` allows exactly when the independently written oracle
 * says every condition holds, and never releases a field outside purpose ∩ grant.
 */
const RUNS = 3000;

const BASE = Date.parse("2026-06-01T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** Instants around `now`, weighted towards the boundaries where off-by-one errors live. */
const offset = fc.oneof(
  fc.constantFrom(-86_400_000, -60_000, -1, 0, 1, 60_000, 86_400_000),
  fc.integer({ min: -10 * 86_400_000, max: 10 * 86_400_000 }),
);
/** null (never set) most of the time, so that most draws pass the condition and allows are common. */
const mostlyNull = (now: number) => fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: offset.map((delta) => iso(now + delta)) });
const maybeInstant = (now: number) => fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: offset.map((delta) => iso(now + delta)) });
const mostly = <T>(usual: T, others: T[]) => fc.oneof({ weight: 8, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });

const EEA_AND_CH = ["FR", "DE", "IT", "NO", "IS", "LI", "CH"];
const ELSEWHERE = ["GB", "US", "JP", "CN", "BR", "AU", "SG", "TR"];
const PURPOSE_IDS = Object.keys(PURPOSE_FIELDS);
const SCOPES = [...PURPOSE_IDS.map((id) => `purpose:${id}`), "purpose:record_accuracy:write"];
const ALL_FIELDS = [...new Set(Object.values(PURPOSE_FIELDS).flat()), "id", "externalRef", "notes"];

const scenario = fc.integer({ min: -5 * 86_400_000, max: 5 * 86_400_000 }).chain((shift) => {
  const now = BASE + shift;
  const grant = fc.record({
    id: fc.uuid(),
    fields: fc.option(fc.subarray(ALL_FIELDS), { nil: null }),
    write: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    expiresAt: maybeInstant(now),
    revokedAt: mostlyNull(now),
    grantedAt: offset.map((delta) => iso(now - Math.abs(delta))),
  });
  const consent = fc.record({ consentId: fc.uuid(), expiresAt: maybeInstant(now), withdrawnAt: mostlyNull(now) });
  const dealer = fc.record({
    status: mostly("active", ["suspended", "pending", "ACTIVE", ""]),
    country: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...EEA_AND_CH) }, { weight: 2, arbitrary: fc.constantFrom(...ELSEWHERE) }),
    transferSafeguard: fc.constantFrom(null, "adequacy", "scc", "bcr", "", "SCC"),
  });
  // A point-of-sale write (contract 4.1) a quarter of the time, mostly under the one purpose that allows writing.
  const intent = fc.oneof({ weight: 3, arbitrary: fc.constant<"read" | "write" | undefined>(undefined) }, { weight: 1, arbitrary: fc.constant<"read" | "write" | undefined>("write") });
  return intent.chain((chosen) => fc.record({
    now: fc.constant(iso(now)),
    intent: fc.constant(chosen),
    purpose: mostly<string | null>(chosen === "write" ? "record_accuracy" : PURPOSE_IDS[0]!, [...PURPOSE_IDS.filter((id) => id !== (chosen === "write" ? "record_accuracy" : PURPOSE_IDS[0])), null])
      .map((id) => (id === null ? null : { id, fields: PURPOSE_FIELDS[id]! })),
    dealer: fc.oneof({ weight: 10, arbitrary: dealer }, { weight: 1, arbitrary: fc.constant(null) }),
    credential: fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 12, arbitrary: fc.record({ revokedAt: mostlyNull(now) }) },
    ),
    tokenScopes: fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 6, arbitrary: fc.constant(SCOPES) },
      { weight: 2, arbitrary: fc.subarray(SCOPES) },
    ),
    grants: fc.array(grant, { minLength: 0, maxLength: 3 }),
    customer: fc.oneof(
      { weight: 10, arbitrary: mostly("active", ["restricted", "erased", "pending"]).map((status) => ({ status })) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    consents: fc.array(consent, { minLength: 0, maxLength: 3 }),
  })) as fc.Arbitrary<AccessInput>;
});

describe("property: decideAccess against the contract 1.1 (and 4.1) oracle", () => {
  it("when the generator is sampled, then it draws allows and every kind of denial, so the properties below are not vacuous", () => {
    const samples = fc.sample(scenario, { numRuns: 4000, seed: 7 });
    const outcomes = samples.map((input) => accessOracle(input)).map((decision) => (decision.allow ? "allow" : decision.reason));
    expect(samples.filter((input) => input.intent === "write" && accessOracle(input).allow).length, "allowed writes").toBeGreaterThan(20);
    const counts = new Map<string, number>();
    for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    expect(counts.get("allow")! / outcomes.length).toBeGreaterThan(0.05);
    for (const reason of ["dealer_unknown", "dealer_suspended", "credential_unknown", "credential_revoked", "invalid_purpose", "purpose_not_granted", "transfer_safeguard_missing", "write_not_granted",
      "customer_unknown", "customer_erased", "customer_restricted", "consent_missing", "consent_withdrawn", "consent_expired"]) {
      expect(counts.get(reason) ?? 0, reason).toBeGreaterThan(5);
    }
  });

  it("when any state and clock are drawn, then access is allowed if and only if every condition of contract 1.1 holds", () => {
    fc.assert(fc.property(scenario, (input) => {
      expect(decideAccess(input).allow).toBe(accessOracle(input).allow);
    }), { numRuns: RUNS });
  });

  it("when access is allowed, then the fields are purpose ∩ the justifying grant's fields, and the grant and consent named are live", () => {
    fc.assert(fc.property(scenario, (input) => {
      const decision = decideAccess(input);
      if (!decision.allow) return;
      const purposeFields = new Set(input.purpose!.fields);
      const grant = input.grants.find((candidate) => candidate.id === decision.grantId) as GrantState;
      expect(grant).toBeDefined();
      expect(grant.revokedAt).toBeNull();
      expect(grant.expiresAt === null || grant.expiresAt > input.now).toBe(true);
      const granted = grant.fields === null ? purposeFields : new Set(grant.fields);
      for (const field of decision.fields) {
        expect(purposeFields.has(field)).toBe(true);
        expect(granted.has(field)).toBe(true);
      }
      expect(new Set(decision.fields)).toEqual(new Set([...purposeFields].filter((field) => granted.has(field))));
      const consent = input.consents.find((candidate) => candidate.consentId === decision.consentId) as ConsentState;
      expect(consent.withdrawnAt).toBeNull();
      expect(consent.expiresAt === null || consent.expiresAt > input.now).toBe(true);
      expect(decision.consentExpiresAt).toBe(consent.expiresAt);
    }), { numRuns: RUNS });
  });

  it("when access is denied, then the reason names a condition that really fails, and every customer-level reason is the same 404", () => {
    fc.assert(fc.property(scenario, (input) => {
      const decision = decideAccess(input);
      if (decision.allow) return;
      const failing = expectedDenials(input);
      expect(failing.map((denial) => denial.reason)).toContain(decision.reason);
      expect(decision.status).toBe(failing.find((denial) => denial.reason === decision.reason)!.status);
      // The first failing condition in the contract's order is the one reported.
      const oracle = accessOracle(input);
      expect(oracle.allow ? "allow" : oracle.reason).toBe(decision.reason);
    }), { numRuns: RUNS });
  });

  it("when the grants and consents arrive in another order, then the decision is the same", () => {
    fc.assert(fc.property(scenario, fc.infiniteStream(fc.nat()), (input, seeds) => {
      const shuffle = <T>(items: readonly T[]) => [...items].map((item) => ({ item, key: seeds.next().value })).sort((a, b) => a.key - b.key).map(({ item }) => item);
      const again = decideAccess({ ...input, grants: shuffle(input.grants), consents: shuffle(input.consents) });
      const first = decideAccess(input);
      expect(again.allow).toBe(first.allow);
      if (first.allow && again.allow) expect(new Set(again.fields)).toEqual(new Set(first.fields));
    }), { numRuns: 1000 });
  });

  it("when a revoked grant or a withdrawn consent is added, then the outcome does not change", () => {
    fc.assert(fc.property(scenario, fc.uuid(), (input, id) => {
      const before = decideAccess(input);
      const after = decideAccess({
        ...input,
        grants: [...input.grants, { id, fields: null, expiresAt: null, revokedAt: input.now, grantedAt: input.now }],
        consents: [...input.consents, { consentId: id, expiresAt: null, withdrawnAt: input.now }],
      });
      expect(after.allow).toBe(before.allow);
      if (before.allow && after.allow) expect(after.fields).toEqual(before.fields);
    }), { numRuns: 1000 });
  });
});

describe("property: a write is a read plus the write permission (contract 4.1)", () => {
  it("when a write is allowed, then the same request as a read is allowed with the same fields, grant and consent, under record_accuracy with a grant and token that allow writing", () => {
    fc.assert(fc.property(scenario, (input) => {
      if (input.intent !== "write") return;
      const decision = decideAccess(input);
      if (!decision.allow) return;
      expect(decideAccess({ ...input, intent: "read" })).toEqual(decision);
      expect(input.purpose!.id).toBe("record_accuracy");
      expect(input.grants.find((grant) => grant.id === decision.grantId)!.write).toBe(true);
      if (input.tokenScopes) expect(input.tokenScopes).toContain("purpose:record_accuracy:write");
    }), { numRuns: RUNS });
  });

  it("when a read is denied for a customer-level reason, then the write is denied with the same 404 or an earlier dealer-level reason", () => {
    fc.assert(fc.property(scenario, (input) => {
      const read = decideAccess({ ...input, intent: "read" });
      const written = decideAccess({ ...input, intent: "write" });
      if (read.allow || read.status !== 404) return;
      expect(written.allow).toBe(false);
      if (!written.allow && written.status === 404) expect(written.reason).toBe(read.reason);
    }), { numRuns: RUNS });
  });
});
