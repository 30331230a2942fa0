import { createHash } from "node:crypto";
import type { AuditEventRow } from "./audit-event-rows";

/** The serialisation version new seals use; older versions stay verifiable as long as their function is kept here. */
export const CANONICAL_VERSION = 1;

/** The chain's starting point, before the first sealed event. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Version 1: a JSON array of a version tag and every column of the row in table order, exactly as stored
 * (JSON columns as their stored text, seq as a decimal string, status as a number, absent values as null).
 */
function canonicalV1(row: AuditEventRow): string {
  return JSON.stringify([
    "audit_events/v1", String(row.seq), row.id, row.at, row.actor_type, row.actor_id, row.action, row.dealer_id, row.customer_id,
    row.purpose, row.decision, row.reason, row.consent_id, row.grant_id, row.fields, Number(row.status), row.request_id, row.ip, row.detail,
  ]);
}

const CANONICAL_FORMS: Record<number, (row: AuditEventRow) => string> = { 1: canonicalV1 };

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export function isKnownVersion(version: number): boolean {
  return version in CANONICAL_FORMS;
}

export function eventHash(row: AuditEventRow, version = CANONICAL_VERSION): string {
  const canonical = CANONICAL_FORMS[version];
  if (!canonical) throw new Error(`unknown audit serialisation version ${version}`);
  return sha256(canonical(row));
}

/** Each link commits to everything before it: changing, removing or reordering any sealed event breaks every later link. */
export function chainHash(previous: string, event: string): string {
  return sha256(`${previous}:${event}`);
}
