import { createHash, randomUUID, sign, verify } from "node:crypto";
import type { AuditKey } from "./audit-key";

/**
 * Events are signed when they are written, in the transaction of their INSERT: each write batch gets
 * one Ed25519 signature over its events' ids and leaf hashes, kept in `audit_pending` until the
 * integrator has put the events into the Merkle tree under a signed checkpoint. Editing an event
 * between its INSERT and its integration therefore breaks that signature's match.
 */

export interface SignedEvent {
  id: string;
  leaf: Buffer;
}

export interface PendingBatchRow {
  batch_id: string;
  created_at: string;
  key_id: string;
  entries: string;
  signature: string;
}

/** Legacy batches carry events written before signing existed, checked against the old seal chain when migrated. */
export const LEGACY_KEY_ID = "legacy";

const BATCH_FORMAT = "dealer-gateway/audit-batch/v1";

export const PENDING_INSERT = "INSERT INTO audit_pending (batch_id, created_at, key_id, entries, signature) VALUES (?, ?, ?, ?, ?)";

export function batchEntries(events: SignedEvent[]): string {
  return events.map((event) => `${event.id} ${event.leaf.toString("hex")}\n`).join("");
}

function message(batchId: string, entries: string): Buffer {
  return Buffer.from(`${BATCH_FORMAT}\n${batchId}\n${entries}`, "utf8");
}

/**
 * The batches this process signed, as digests of what it wrote to `audit_pending`: a row that is, byte
 * for byte, one of them carries a good signature by construction, and the integrator need not verify
 * it again (Ed25519 verification costs about twice the signing). A row changed in any byte is verified
 * as any other. The oldest digests leave first.
 */
const signedHere = new Set<string>();
const SIGNED_HERE_LIMIT = 10_000;

function rowDigest(row: Pick<PendingBatchRow, "batch_id" | "key_id" | "entries" | "signature">): string {
  return createHash("sha256").update(`${row.batch_id}\n${row.key_id}\n${row.signature}\n`).update(row.entries).digest("base64");
}

/** The `audit_pending` row of a batch, as insert parameters in PENDING_INSERT's order. */
export function signBatch(key: AuditKey, events: SignedEvent[], createdAt: string): unknown[] {
  const batchId = randomUUID();
  const entries = batchEntries(events);
  const signature = sign(null, message(batchId, entries), key.signer.privateKey).toString("base64");
  const keyId = key.signer.keyId.toString("hex");
  signedHere.add(rowDigest({ batch_id: batchId, key_id: keyId, entries, signature }));
  if (signedHere.size > SIGNED_HERE_LIMIT) signedHere.delete(signedHere.values().next().value!);
  return [batchId, createdAt, keyId, entries, signature];
}

/** How many events a batch's entries name (one line each), without parsing them. */
export function entryCount(entries: string): number {
  let lines = 0;
  for (let i = entries.indexOf("\n"); i !== -1; i = entries.indexOf("\n", i + 1)) lines += 1;
  return lines;
}

export function parseEntries(entries: string): SignedEvent[] | null {
  const lines = entries.split("\n");
  if (lines.pop() !== "") return null;
  const parsed: SignedEvent[] = [];
  for (const line of lines) {
    const match = /^([0-9a-f-]{36}) ([0-9a-f]{64})$/.exec(line);
    if (!match) return null;
    parsed.push({ id: match[1]!, leaf: Buffer.from(match[2]!, "hex") });
  }
  return parsed;
}

export const isLegacyBatch = (row: Pick<PendingBatchRow, "key_id">): boolean => row.key_id === LEGACY_KEY_ID;

/**
 * The batch's events when its signature is the audit key's, or when it is a legacy batch (unsigned,
 * queued by the migration from the hash chain) and `acceptLegacy` says the tree may still take one;
 * null otherwise.
 */
export function openBatch(row: PendingBatchRow, key: AuditKey, acceptLegacy: boolean): SignedEvent[] | null {
  const events = parseEntries(row.entries);
  if (!events) return null;
  if (isLegacyBatch(row)) return acceptLegacy && row.signature === "" ? events : null;
  if (row.key_id !== key.signer.keyId.toString("hex")) return null;
  if (signedHere.has(rowDigest(row))) return events;
  const valid = verify(null, message(row.batch_id, row.entries), key.signer.publicKey, Buffer.from(row.signature, "base64"));
  return valid ? events : null;
}
