export type DemoPurpose = "service_delivery" | "in_store_experience" | "record_accuracy" | "relationship_management";
export type DealerKey = "fr" | "ch" | "jp" | "us";

export interface DemoDealer {
  key: DealerKey;
  name: string;
  country: string;
  transferSafeguard?: "adequacy" | "scc";
  grants: { purpose: DemoPurpose; fields?: string[]; write?: boolean }[];
}

/**
 * Four authorized dealers: two inside the EEA and Switzerland, one in Japan with standard contractual
 * clauses on file, and one in the United States without a safeguard, which therefore receives nothing.
 */
export const DEMO_DEALERS: DemoDealer[] = [
  {
    key: "fr", name: "Horlogerie Lacroix Paris", country: "FR",
    grants: [
      { purpose: "service_delivery" },
      // Narrower than the purpose's default: this dealer's store staff do not see purchase history.
      { purpose: "in_store_experience", fields: ["name", "preferredLanguage", "interests"] },
    ],
  },
  // Registers sales, warranty extensions and opt-outs at its counter (contract 4.1).
  { key: "ch", name: "Bijouterie du Rhône SA", country: "CH", grants: [{ purpose: "record_accuracy", write: true }] },
  { key: "jp", name: "Ginza Tokeiten K.K.", country: "JP", transferSafeguard: "scc", grants: [{ purpose: "relationship_management" }] },
  { key: "us", name: "Fifth Avenue Timepieces LLC", country: "US", grants: [{ purpose: "service_delivery" }] },
];

export function demoDealer(key: DealerKey): DemoDealer {
  return DEMO_DEALERS.find((dealer) => dealer.key === key)!;
}
