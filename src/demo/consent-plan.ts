import type { DealerKey, DemoPurpose } from "./demo-dealers";
import { SeededRandom } from "./seeded-random";

/** How long a consent lasts: two years, open-ended, or a few seconds (to show expiry in the demo). */
export type ConsentTerm = "two_years" | "open" | "seconds";

export interface PlannedConsent {
  customerIndex: number;
  dealer: DealerKey;
  purposes: DemoPurpose[];
  term: ConsentTerm;
  /** Withdraw every purpose, one purpose, or none after recording. */
  withdraw: "all" | "one" | "none";
}

export interface ConsentPlan {
  consents: PlannedConsent[];
  restrictedCustomers: number[];
}

/** The first customers play fixed parts in the printed walkthrough; the rest are drawn at random. */
export const ROLES = {
  /** Consents to the French dealer for two purposes; the walkthrough reads, then withdraws. */
  reader: 0,
  /** Has consented to nobody. */
  unconsented: 1,
  /** Consents to the US dealer, which has no transfer safeguard. */
  usCustomer: 2,
  /** Consents to the Japanese dealer, which has standard contractual clauses on file. */
  jpCustomer: 3,
  /** Restricted after consenting to the French dealer. */
  restricted: 4,
  /** Restricted after consenting to the Swiss dealer. */
  restrictedToo: 5,
  /** Consented to the French dealer for a few seconds only. */
  expired: 6,
  /** Consents to the Swiss dealer, which registers a sale and an opt-out at its counter, and to the French dealer, which hears of the opt-out. */
  posCustomer: 7,
} as const;

const FIXED: PlannedConsent[] = [
  { customerIndex: ROLES.reader, dealer: "fr", purposes: ["service_delivery", "in_store_experience"], term: "two_years", withdraw: "none" },
  { customerIndex: ROLES.usCustomer, dealer: "us", purposes: ["service_delivery"], term: "two_years", withdraw: "none" },
  { customerIndex: ROLES.jpCustomer, dealer: "jp", purposes: ["relationship_management"], term: "open", withdraw: "none" },
  { customerIndex: ROLES.restricted, dealer: "fr", purposes: ["service_delivery"], term: "two_years", withdraw: "none" },
  { customerIndex: ROLES.restrictedToo, dealer: "ch", purposes: ["record_accuracy"], term: "open", withdraw: "none" },
  { customerIndex: ROLES.expired, dealer: "fr", purposes: ["service_delivery"], term: "seconds", withdraw: "none" },
  { customerIndex: ROLES.posCustomer, dealer: "ch", purposes: ["record_accuracy"], term: "open", withdraw: "none" },
  { customerIndex: ROLES.posCustomer, dealer: "fr", purposes: ["service_delivery"], term: "two_years", withdraw: "none" },
];

const FIRST_RANDOM_CUSTOMER = 8;

/** Chance that a customer living in `country` consents to each dealer. */
function consentChance(dealer: DealerKey, country: string): number {
  const home: Record<DealerKey, string[]> = { fr: ["FR"], ch: ["CH"], jp: ["JP"], us: ["US", "GB"] };
  if (home[dealer].includes(country)) return dealer === "us" && country === "GB" ? 0.2 : 0.7;
  return dealer === "fr" ? 0.15 : 0.06;
}

const PURPOSES_OF: Record<DealerKey, DemoPurpose[]> = {
  fr: ["service_delivery", "in_store_experience"], ch: ["record_accuracy"], jp: ["relationship_management"], us: ["service_delivery"],
};

/** Which customer consents to which dealer, for what and for how long: deterministic for a given seed. */
export function planConsents(customerCountries: string[], seed: number): ConsentPlan {
  const random = new SeededRandom(seed ^ 0x5eed);
  const consents = FIXED.filter((planned) => planned.customerIndex < customerCountries.length);
  for (let index = FIRST_RANDOM_CUSTOMER; index < customerCountries.length; index++) {
    for (const dealer of ["fr", "ch", "jp", "us"] as const) {
      if (!random.chance(consentChance(dealer, customerCountries[index]!))) continue;
      const offered = PURPOSES_OF[dealer];
      const purposes = offered.length > 1 && random.chance(0.5) ? offered : [offered[0]!];
      const termRoll = random.next();
      const term: ConsentTerm = termRoll < 0.04 ? "seconds" : termRoll < 0.55 ? "two_years" : "open";
      const withdrawRoll = term === "seconds" ? 1 : random.next();
      const withdraw = withdrawRoll < 0.06 ? "all" : withdrawRoll < 0.09 && purposes.length > 1 ? "one" : "none";
      consents.push({ customerIndex: index, dealer, purposes, term, withdraw });
    }
  }
  const restrictedCustomers = [ROLES.restricted, ROLES.restrictedToo].filter((index) => index < customerCountries.length);
  return { consents, restrictedCustomers };
}
