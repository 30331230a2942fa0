import { textLeafHash } from "./merkle";
import type { PublicAuditEvent } from "./audit-event-rows";

export const LEAF_FORMAT = "dealer-gateway/audit-event/v2";

/**
 * The canonical text of an event, whose UTF-8 bytes are the Merkle leaf's data: the JSON array (as
 * JavaScript's JSON.stringify writes it, no whitespace) of a format tag and every field of the event
 * as the compliance API shows it, in this order, absent ones as null. Built from the public form, so
 * that anyone holding an export can recompute it without the database.
 */
function canonicalEventText(event: PublicAuditEvent): string {
  return JSON.stringify([
    LEAF_FORMAT, event.id, event.at, event.actorType, event.actorId, event.action, event.dealerId ?? null, event.customerId ?? null,
    event.purpose ?? null, event.decision, event.reason ?? null, event.consentId ?? null, event.grantId ?? null, event.fields ?? null,
    event.status, event.requestId, event.ip, event.detail ?? null,
  ]);
}

export function eventLeafHash(event: PublicAuditEvent): Buffer {
  return textLeafHash(canonicalEventText(event));
}
