import { z } from "zod";
import { WEBHOOK_STATUSES } from "../webhooks/webhook.entity";
import { consentSchema, marketingHistorySchema } from "./response-schemas";
import { POINT_OF_SALE_ACTIONS } from "../audit/dealer-changes";

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
  dealerName: z.string().optional().describe("The dealer's name now, looked up when the events are read (never stored in the event)"),
  actorName: z.string().optional().describe("The admin user's username, or the name of the dealer whose client acted, looked up when read"),
  customerRef: z.string().optional().describe("The customer's external reference now, looked up when read; absent once erased"),
  customerErased: z.literal(true).optional().describe("Present when the customer has since been erased"),
}).describe("One audit event; absent values are omitted. The names are resolved at read time and are not part of the signed event");

export const dealerChoicesSchema = z.strictObject({
  items: z.array(z.strictObject({ id: uuid, name: z.string(), country: z.string(), status: z.enum(["active", "suspended"]) })),
}).describe("At most 20 dealers whose name contains the text");
export const customerChoicesSchema = z.strictObject({
  items: z.array(z.strictObject({ id: uuid, externalRef: z.string(), name: z.string() })),
}).describe("At most 20 customers by external reference (prefix), e-mail (exact) or name (part); only id, reference and name");
export const adminUserChoicesSchema = z.strictObject({
  items: z.array(z.strictObject({ id: uuid, username: z.string() })),
}).describe("At most 20 admin users whose username contains the text");

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
  dealerChanges: z.array(z.strictObject({
    eventId: uuid, at, dealerId: z.string(), action: z.enum(POINT_OF_SALE_ACTIONS),
    changedFields: z.array(z.string()).describe("The changed fields by name, never their values"),
  })).describe("What dealers registered at the point of sale, oldest first"),
  marketingPreferenceHistory: marketingHistorySchema.shape.history.describe("Every marketing preference set, oldest first (policy P8)"),
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
  webhook: z.strictObject({ status: z.enum(WEBHOOK_STATUSES), disabledAt: at.nullable() }).nullable()
    .describe("The dealer's webhook; disabled: its retries ran out, so only the feed tells the dealer what to purge"),
});

export const allPendingPurgesSchema = z.strictObject({
  items: z.array(z.strictObject({
    dealerId: uuid, name: z.string(), pending: z.number().int(), oldestSince: at, ageSeconds: z.number().int(),
    webhookStatus: z.enum(WEBHOOK_STATUSES).nullable().describe("The dealer's webhook status, null without a webhook"),
  })),
});

export const verifySchema = z.strictObject({
  ok: z.boolean(),
  checked: z.number().int().describe("Events covered: every event committed before the call, in the tree or still pending"),
  treeSize: z.number().int().describe("Leaves in the latest signed checkpoint"),
  firstBadEventId: uuid.optional(),
  problem: z.enum(["changed", "deleted", "inserted", "signature", "inconsistent"]).optional()
    .describe("changed: an event no longer hashes to what was signed; deleted / inserted: an event is missing, or exists outside the log; signature: a checkpoint or write batch is not signed by the audit key; inconsistent: the log does not extend a held or witnessed checkpoint, or an earlier verified tree"),
});

const base64Hash = z.string().describe("SHA-256 hash, base64");

export const checkpointSchema = z.strictObject({
  origin: z.string().describe("The log's origin line (AUDIT_LOG_ORIGIN)"),
  treeSize: z.number().int(),
  rootHash: base64Hash,
  note: z.string().describe("The C2SP signed note: origin, tree size and root hash lines, a blank line, the Ed25519 signature line"),
  verifierKey: z.string().describe("C2SP verifier key <name>+<hex key id>+<base64(0x01 || public key)>"),
  createdAt: at.nullable().describe("When the gateway signed this checkpoint; null while the log has none yet (the empty tree's note is signed on request). Not part of the signed note"),
});

export const inclusionProofSchema = z.strictObject({
  eventId: uuid,
  leafIndex: z.number().int(),
  treeSize: z.number().int(),
  leafHash: base64Hash.describe("SHA-256(0x00 || canonical bytes of the event as it is now)"),
  inclusionProof: z.array(base64Hash).describe("RFC 9162 inclusion proof, leaf side first"),
});

export const consistencyProofSchema = z.strictObject({
  from: z.number().int(),
  to: z.number().int(),
  proof: z.array(base64Hash).describe("RFC 9162 consistency proof"),
});
