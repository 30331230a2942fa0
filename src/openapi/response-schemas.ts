import { z } from "zod";
import { ROLES } from "../admin-users/admin-user.entity";
import { CONSENT_CHANNELS } from "../consents/consent.entity";
import { DEALER_EVENT_TYPES } from "../consents/dealer-event.entity";
import { customerDataSchema, marketingPreferencesSchema } from "../customers/customer-fields";
import { MARKETING_CHANNELS } from "../customers/marketing-preference.entity";
import { DEALER_STATUSES, TRANSFER_SAFEGUARDS } from "../dealers/dealer-schemas";

/**
 * What the gateway answers, one zod schema per representation, written beside the code that builds it
 * (`*-representation.ts`, `publicAuditEvent`, ...) and checked against real responses by
 * test/openapi-conformance.test.ts.
 */
const at = z.string().describe("UTC date-time, ISO 8601, millisecond precision: 2026-06-01T10:00:00.000Z");
const uuid = z.string().describe("UUID");
const nullableAt = at.nullable();

export const problemSchema = z.strictObject({
  type: z.string().describe("A relative URI naming the problem type: /problems/<code>"),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe("The machine-readable error code"),
  detail: z.string().optional(),
  errors: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional().describe("Each invalid input, for validation_failed"),
  requestId: z.string().describe("Also sent as the X-Request-Id header"),
}).describe("RFC 9457 problem details");

export const OAUTH_ERRORS = ["invalid_request", "invalid_client", "invalid_scope", "unsupported_grant_type"] as const;
export const oauthErrorSchema = z.strictObject({ error: z.enum(OAUTH_ERRORS), error_description: z.string() }).describe("RFC 6749 section 5.2 error");

export const tokenSchema = z.strictObject({
  access_token: z.string().describe("A JWT (ES256, typ at+jwt) carrying kid, iss, aud, sub, exp, nbf, iat, jti and scope"),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int().positive().describe("Seconds until the token expires"),
  scope: z.string().describe("Dealers: purpose:<id> for each purpose granted; admins: their roles"),
});

export const jwksSchema = z.strictObject({
  keys: z.array(z.strictObject({
    kty: z.literal("EC"), crv: z.literal("P-256"), x: z.string(), y: z.string(), kid: z.string(), alg: z.literal("ES256"), use: z.literal("sig"),
  })),
});

export const healthSchema = z.strictObject({ status: z.literal("ok") });
export const readySchema = z.strictObject({ status: z.literal("ready") });

export const adminUserSchema = z.strictObject({
  id: uuid, username: z.string(), roles: z.array(z.enum(ROLES)), createdAt: at, updatedAt: at,
});

export const purposeSchema = z.strictObject({ id: z.string(), description: z.string(), fields: z.array(z.string()) });

export const dealerSchema = z.strictObject({
  id: uuid, name: z.string(), country: z.string().describe("ISO 3166-1 alpha-2"),
  transferSafeguard: z.enum(TRANSFER_SAFEGUARDS).nullable(), status: z.enum(DEALER_STATUSES), createdAt: at, updatedAt: at,
});

export const createdCredentialSchema = z.strictObject({
  clientId: z.string(), clientSecret: z.string().describe("Shown once, in this response only"), createdAt: at,
});

export const credentialSchema = z.strictObject({
  clientId: z.string(), status: z.enum(["active", "revoked"]), createdAt: at, createdBy: z.string(), revokedAt: nullableAt, revokedBy: z.string().nullable(),
});

export const grantSchema = z.strictObject({
  id: uuid, dealerId: uuid, purpose: z.string(), status: z.enum(["active", "expired", "revoked"]),
  fields: z.array(z.string()).nullable().describe("null: the purpose's default fields"),
  effectiveFields: z.array(z.string()).describe("The fields the dealer may receive under this grant"),
  write: z.boolean().describe("Whether the dealer may also register purchases, warranties and marketing preferences (record_accuracy only)"),
  expiresAt: nullableAt, grantedAt: at, grantedBy: z.string(), revokedAt: nullableAt, revokedBy: z.string().nullable(),
});

export const customerSchema = z.strictObject({
  id: uuid,
  externalRef: z.string(),
  status: z.enum(["active", "restricted"]),
  ...customerDataSchema.shape,
  createdAt: at,
  updatedAt: at,
  restrictedAt: nullableAt,
  erasedAt: z.null(),
}).describe("A customer record as the admin API shows it");

export const erasedCustomerSchema = z.strictObject({
  id: uuid, status: z.literal("erased"), createdAt: at, erasedAt: at,
}).describe("The anonymous tombstone left by an erasure");

export const customerOrTombstoneSchema = z.union([customerSchema, erasedCustomerSchema]);

export const importResultSchema = z.strictObject({
  created: z.number().int(), updated: z.number().int(), total: z.number().int(),
  rejected: z.array(z.strictObject({ line: z.number().int(), reason: z.string() })),
});

const consentStatus = z.enum(["active", "withdrawn", "expired"]);

export const consentSchema = z.strictObject({
  id: uuid, customerId: uuid, dealerId: uuid,
  purposes: z.array(z.string()),
  purposeStates: z.array(z.strictObject({ purpose: z.string(), status: consentStatus, withdrawnAt: nullableAt })),
  channel: z.enum(CONSENT_CHANNELS), evidenceRef: z.string(), policyVersion: z.string(),
  expiresAt: nullableAt, status: consentStatus, createdAt: at, createdBy: z.string(),
  history: z.array(z.strictObject({
    action: z.enum(["recorded", "withdrawn"]), purposes: z.array(z.string()), actorType: z.enum(["admin", "system"]), actorId: z.string(),
    reason: z.string().nullable(), at,
  })).describe("Every change, oldest first"),
});

export const accessCheckSchema = z.strictObject({
  allow: z.boolean(),
  reason: z.string().describe('"allowed", or the reason the audit log would record, e.g. consent_withdrawn'),
  fields: z.array(z.string()).describe("The fields a read would release; [] when denied"),
});

export const dealerCustomerSchema = z.strictObject({
  id: uuid,
  purpose: z.string(),
  data: customerDataSchema.partial().describe("Only the fields the purpose and the grant allow, and only those the record holds"),
  consent: z.strictObject({ id: uuid, expiresAt: nullableAt }),
});

export const dealerEventSchema = z.strictObject({
  id: z.string().regex(/^[1-9]\d*$/).describe("The event's position in this dealer's feed"),
  type: z.enum(DEALER_EVENT_TYPES),
  customerId: uuid.optional(),
  purpose: z.string().optional(),
  at,
});

export const page = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
export const list = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

export const ackSchema = z.strictObject({ upTo: z.string(), ackedAt: at });

export const marketingHistorySchema = z.strictObject({
  current: marketingPreferencesSchema.nullable(),
  history: z.array(z.strictObject({
    channel: z.enum(MARKETING_CHANNELS), optedIn: z.boolean(), recordedAt: at, actorType: z.enum(["dealer", "admin"]),
    actorId: z.string().describe("The dealer's client id, or the admin user's id"), dealerId: uuid.nullable(), evidenceRef: z.string().nullable(),
  })),
});
