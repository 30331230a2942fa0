/**
 * The four purposes of the privacy policy (P2), as the migrations seed them, in their order there. They
 * change only with a migration; a test checks this list against the database.
 */
export const POLICY_PURPOSES = {
  service_delivery: "Providing the services the customer asked for",
  in_store_experience: "Improving the customer's experience in store",
  record_accuracy: "Keeping records accurate",
  relationship_management: "Managing customer and seller relationships",
} as const;

export type PolicyPurpose = keyof typeof POLICY_PURPOSES;
export const PURPOSE_IDS = Object.keys(POLICY_PURPOSES) as PolicyPurpose[];

/** What a dealer is told when it names no purpose or an unknown one: the valid ones, and where its own grants are. */
export const VALID_PURPOSES_HINT = `The purpose must be one of ${PURPOSE_IDS.join(", ")}; the scope of your access token lists those granted to you (purpose:<id>)`;
