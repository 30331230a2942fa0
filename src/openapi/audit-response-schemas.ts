import { z } from "zod";
import { consentSchema } from "./response-schemas";

/** The compliance API's answers (src/audit): events, the data-subject report, pending purges, verification. */
const at = z.string().describe("UTC date-time, ISO 8601");
const uuid = z.string().describe("UUID");

export const auditEventSchema = z.strictObject({
  id: uuid,
  at,
  actorType: z.enum(["dealer", "admin", "system"]),
  actorId: z.string(),
  action: z.string().describe("e.g. customer.read, token.issue, dealer.create, audit.query"),
  dealerId: uuid.optional(),
  customerId: uuid.optional(),
  purpose: z.string().optional(),
  decision: z.enum(["allow", "deny"]),
  reason: z.string().optional(),
  consentId: uuid.optional(),
  grantId: uuid.optional(),
  fields: z.array(z.string()).optional(),
  status: z.number().int(),
  requestId: z.string(),
  ip: z.string(),
  detail: z.unknown().optional().describe("Action-specific ids and counts; never personal data"),
}).describe("One audit event; absent values are omitted");

export const auditEventsPageSchema = z.strictObject({ items: z.array(auditEventSchema), nextCursor: z.string().nullable() });

const disclosureSchema = z.strictObject({
  eventId: uuid, at, dealerId: uuid, action: z.string(), purpose: z.string().nullable(), fields: z.array(z.string()),
  consentId: uuid.nullable(), grantId: uuid.nullable(),
});

const recipientSchema = z.strictObject({
  dealerId: uuid, name: z.string().nullable(), country: z.string().nullable(), firstAt: at, lastAt: at,
  disclosures: z.number().int(), purposes: z.array(z.string()), fields: z.array(z.string()),
});

export const dataSubjectReportSchema = z.strictObject({
  customerId: uuid,
  status: z.enum(["active", "restricted", "erased"]),
  restrictedAt: at.optional(),
  erasedAt: at.optional(),
  generatedAt: at,
  recipients: z.array(recipientSchema).describe("Every dealer that received the customer's data"),
  disclosures: z.array(disclosureSchema).describe("Every disclosure, oldest first"),
  consents: z.array(consentSchema).describe("The full consent history"),
});

export const dealerPendingPurgesSchema = z.strictObject({
  dealerId: uuid,
  acknowledgedUpTo: z.string().nullable(),
  acknowledgedAt: at.nullable(),
  pending: z.number().int(),
  oldestSince: at.nullable(),
  items: z.array(z.strictObject({
    id: z.string(), type: z.enum(["consent.withdrawn", "customer.erased"]), customerId: uuid.optional(), purpose: z.string().optional(),
    since: at, ageSeconds: z.number().int(),
  })),
  nextCursor: z.string().nullable(),
});

export const allPendingPurgesSchema = z.strictObject({
  items: z.array(z.strictObject({ dealerId: uuid, name: z.string(), pending: z.number().int(), oldestSince: at, ageSeconds: z.number().int() })),
});

export const verifySchema = z.strictObject({
  ok: z.boolean(),
  checked: z.number().int().describe("Sealed events examined"),
  firstBadEventId: uuid.optional(),
  problem: z.enum(["changed", "deleted", "inserted", "seal_altered"]).optional(),
  unsealed: z.number().int().describe("Events newer than the last seal"),
  head: z.strictObject({ eventId: uuid, chainHash: z.string() }).optional(),
});
