/** One plain sentence per decision reason of the access check (the deny reasons the audit log records). */
const SENTENCES: Record<string, string> = {
  allowed: "This dealer can see this client for the purpose: a request now would receive the fields listed below.",
  dealer_unknown: "No dealer has this id.",
  dealer_suspended: "The dealer is suspended. Reinstate it to restore its access.",
  credential_unknown: "The dealer's credential is unknown.",
  credential_revoked: "The dealer's credential has been revoked. Issue a new one.",
  invalid_purpose: "The purpose is missing or unknown.",
  purpose_not_granted: "The dealer holds no live grant for this purpose: it was never granted, or was revoked, or has expired.",
  transfer_safeguard_missing:
    "The dealer is outside the EEA and Switzerland and no transfer safeguard (an adequacy decision or standard contractual clauses) is on file for it.",
  customer_unknown: "No customer has this id.",
  customer_erased: "The client has been erased: their personal data no longer exists and cannot be shared.",
  customer_restricted: "Processing of this client's data is restricted. Lift the restriction to share it again.",
  consent_missing: "The client has never consented to share data with this dealer for this purpose.",
  consent_withdrawn: "The client withdrew their consent for this dealer and purpose.",
  consent_expired: "The client's consent for this dealer and purpose has expired. A new consent is needed.",
};

export function reasonSentence(reason: string): string {
  return SENTENCES[reason] ?? `Access is denied (${reason.replace(/_/g, " ")}).`;
}
