import type { z } from "zod";
import * as audit from "./audit-response-schemas";
import * as replies from "./response-schemas";
import { marketingPreferencesSchema, purchaseSchema, warrantySchema } from "../customers/customer-fields";
import { POLICY_PURPOSES } from "../purposes/policy-purposes";
import * as webhooks from "../webhooks/webhook-schemas";

/** The named schemas of `components.schemas`; any other answer is described inline where it is used. */
export const NAMED_SCHEMAS: [string, z.ZodType][] = [
  ["Problem", replies.problemSchema], ["OAuthError", replies.oauthErrorSchema], ["Token", replies.tokenSchema], ["JsonWebKeySet", replies.jwksSchema],
  ["Health", replies.healthSchema], ["Ready", replies.readySchema], ["AdminUser", replies.adminUserSchema], ["Purpose", replies.purposeSchema],
  ["Dealer", replies.dealerSchema], ["CreatedCredential", replies.createdCredentialSchema], ["Credential", replies.credentialSchema],
  ["Grant", replies.grantSchema], ["Customer", replies.customerSchema], ["ErasedCustomer", replies.erasedCustomerSchema],
  ["CustomerOrTombstone", replies.customerOrTombstoneSchema], ["ImportResult", replies.importResultSchema], ["Consent", replies.consentSchema],
  ["AccessCheck", replies.accessCheckSchema], ["DealerCustomer", replies.dealerCustomerSchema], ["DealerEvent", replies.dealerEventSchema],
  ["Acknowledgement", replies.ackSchema], ["AuditEvent", audit.auditEventSchema], ["AuditEventsPage", audit.auditEventsPageSchema],
  ["DataSubjectReport", audit.dataSubjectReportSchema], ["DealerPendingPurges", audit.dealerPendingPurgesSchema],
  ["AllPendingPurges", audit.allPendingPurgesSchema], ["VerifyResult", audit.verifySchema],
  ["Purchase", purchaseSchema], ["Warranty", warrantySchema], ["MarketingPreferences", marketingPreferencesSchema],
  ["MarketingPreferenceHistory", replies.marketingHistorySchema],
  ["Webhook", webhooks.webhookStatusSchema], ["WebhookSecret", webhooks.webhookCreatedSchema], ["WebhookDelivery", webhooks.deliverySchema],
];

const PURPOSE_SCOPES = {
  ...Object.fromEntries(Object.entries(POLICY_PURPOSES).map(([id, meaning]) => [`purpose:${id}`, meaning])),
  "purpose:record_accuracy:write": "Registering purchases, warranties and marketing preferences at the point of sale (with a record_accuracy grant that allows writing)",
};

export const SECURITY_SCHEMES = {
  adminBearer: {
    type: "http", scheme: "bearer", bearerFormat: "JWT",
    description: "An access token of audience admin-api from POST /v1/auth/login. Each admin route names the roles it admits (x-roles).",
  },
  dealerBearer: {
    type: "http", scheme: "bearer", bearerFormat: "JWT",
    description: "An access token of audience dealer-api from POST /oauth/token. Its scope lists the purposes it may serve (purpose:<id>); every call names one of them in its purpose parameter. A token of the other audience is refused.",
  },
  dealerClientCredentials: {
    type: "oauth2",
    description: "How a dealer integration obtains its dealer-api token: client credentials, sent with HTTP Basic or in the form body. " +
      "Scopes are purposes: purpose:<id> for each purpose of the privacy policy. Ask for none (in Authorize: tick no scope) to get a token " +
      "for every purpose granted to the dealer now, or tick only purposes the dealer holds to get a narrower token. A scope the dealer does " +
      "not hold is refused with 400 invalid_scope and no token (RFC 6749 section 5.2), so ticking every scope fails for a dealer without all four grants. " +
      "The token lives at most 15 minutes; a grant revoked meanwhile bites at once all the same.",
    flows: { clientCredentials: { tokenUrl: "/oauth/token", scopes: PURPOSE_SCOPES } },
  },
  clientSecretBasic: {
    type: "http", scheme: "basic",
    description: "client_secret_basic: the dealer's client id and secret. The alternative, client_secret_post, sends client_id and client_secret in the form body instead.",
  },
} as const;

export const HEADERS = {
  "X-Request-Id": { description: "The request's id, also in problem bodies and the audit log; a caller's own plain id of up to 64 characters is adopted", schema: { type: "string" } },
  Location: { description: "The address of the created resource", schema: { type: "string" } },
  "Idempotent-Replayed": { description: "true when the answer is the stored response of an earlier request with the same Idempotency-Key and body: nothing was written this time", schema: { type: "string", enum: ["true"] } },
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" } },
  "WWW-Authenticate": { description: "The authentication scheme expected", schema: { type: "string" } },
  RateLimit: { description: "IETF draft-7 rate-limit state: remaining requests and seconds to the window's reset", schema: { type: "string" } },
  "RateLimit-Policy": { description: "IETF draft-7 rate-limit policy: requests per window", schema: { type: "string" } },
  "Cache-Control": { description: "no-store on answers carrying tokens, secrets or personal data", schema: { type: "string" } },
  "Content-Disposition": { description: "attachment, with a file name", schema: { type: "string" } },
} as const;

export const TAGS = [
  { name: "authentication", description: "Dealer tokens (OAuth 2.0 client credentials), admin sign-in, and the keys that verify tokens" },
  { name: "dealer API", description: "Audience dealer-api. Every call names its purpose; deny by default; every call audited" },
  { name: "dealers", description: "crm_admin: the dealer network" },
  { name: "credentials", description: "crm_admin: dealers' client credentials" },
  { name: "grants", description: "crm_admin: which purposes a dealer may ask for" },
  { name: "webhooks", description: "crm_admin: dealers' webhooks, which push their consent-events feed as Standard Webhooks messages" },
  { name: "customers", description: "crm_admin: customer records, import, restriction and erasure" },
  { name: "consents", description: "crm_admin: consents with their full history" },
  { name: "access check", description: "crm_admin or compliance_auditor: explain a decision" },
  { name: "purposes", description: "Any admin: the purposes of the privacy policy" },
  { name: "admin users", description: "user_admin: the people who use the admin API" },
  { name: "compliance", description: "compliance_auditor: the audit log, data-subject reports, pending purges, verification" },
  { name: "operations", description: "Health, readiness and metrics" },
  { name: "reference", description: "This document" },
];
