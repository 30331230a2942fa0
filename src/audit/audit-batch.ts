import { createHmac, sign, timingSafeEqual, verify } from "node:crypto";
import { timeOrderedUuid } from "../db/time-ordered-uuid";
import type { AuditKey } from "./audit-key";

/**
 * Events are signed when they are written, in the transaction of their INSERT: each write batch gets
 * one Ed25519 signature over its events' ids and leaf hashes, kept in `audit_batches`, and each event
 * row names its batch. The batch is pending until the integrator has put its events into the Merkle
 * tree under a signed checkpoint and set its `first_leaf`: its events are then the leaves from there
 * on, in the order of its entries. Editing an event between its INSERT and its integration therefore
 * breaks that signature's match.
 *
 * The row also carries an HMAC-SHA256 of the same message under a key derived from the audit key: no
 * easier to forge without the audit key than the signature, and checked in a twentieth of the time of
 * an Ed25519 verification. The integrator, which holds the key, checks the MAC; verification checks
 * the signature, the proof that anyone holding the verifier key can check.
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
  /** Null on rows written before the MAC existed, and on the batches the migration from the hash chain signed. */
  mac: string | null;
}

const BATCH_FORMAT = "dealer-gateway/audit-batch/v1";

/**
 * Batches made by the migration from one leaf row per event: leaves already in the tree, unsigned,
 * whose entries only map them to their events.
 */
export const MIGRATED_KEY_ID = "migrated";

export const BATCH_INSERT = "INSERT INTO audit_batches (batch_id, created_at, key_id, entries, signature, mac) VALUES (?, ?, ?, ?, ?, ?)";

export function batchEntries(events: SignedEvent[]): string {
  return events.map((event) => `${event.id} ${event.leaf.toString("hex")}\n`).join("");
}

function message(batchId: string, entries: string): Buffer {
  return Buffer.from(`${BATCH_FORMAT}\n${batchId}\n${entries}`, "utf8");
}

const batchMac = (key: AuditKey, signed: Buffer): Buffer => createHmac("sha256", key.batchMacKey).update(signed).digest();

/** The `audit_batches` row of a batch, as insert parameters in BATCH_INSERT's order: the batch id first. */
export function signBatch(key: AuditKey, events: SignedEvent[], createdAt: string, batchId = timeOrderedUuid()): unknown[] {
  const entries = batchEntries(events);
  const signed = message(batchId, entries);
  const signature = sign(null, signed, key.signer.privateKey).toString("base64");
  return [batchId, createdAt, key.signer.keyId.toString("hex"), entries, signature, batchMac(key, signed).toString("hex")];
}

/** How many events a batch's entries name (one line each), without parsing them. */
export function entryCount(entries: string): number {
  let lines = 0;
  for (let i = entries.indexOf("\n"); i !== -1; i = entries.indexOf("\n", i + 1)) lines += 1;
  return lines;
}

/** An event id as entries hold it: a UUID's 36 characters. */
export const ENTRY_ID_LENGTH = 36;
/** One line of a batch's entries: an event id, a space, a 64-digit leaf hash, a newline. */
export const ENTRY_LINE = ENTRY_ID_LENGTH + 1 + 64 + 1;
const WELL_FORMED_ENTRIES = /^(?:[0-9a-f-]{36} [0-9a-f]{64}\n)*$/;

/** The events a batch's entries name; null unless every line is `<event id> <leaf hash hex>`. */
export function parseEntries(entries: string): SignedEvent[] | null {
  // One pass of one pattern over the whole text, then fixed offsets: lines are all of one width.
  if (!WELL_FORMED_ENTRIES.test(entries)) return null;
  const parsed: SignedEvent[] = [];
  for (let at = 0; at < entries.length; at += ENTRY_LINE) {
    parsed.push({ id: entries.slice(at, at + 36), leaf: Buffer.from(entries.slice(at + 37, at + 101), "hex") });
  }
  return parsed;
}

export interface BatchCheck {
  /** Whether a good MAC suffices (the integrator), or the signature itself must be verified (verification). */
  trustMac: boolean;
}

function macMatches(row: PendingBatchRow, key: AuditKey, signed: Buffer): boolean {
  if (row.mac === null || !/^[0-9a-f]{64}$/.test(row.mac)) return false;
  return timingSafeEqual(Buffer.from(row.mac, "hex"), batchMac(key, signed));
}

/**
 * The batch's events when it carries the audit key's signature (or, with `trustMac`, its MAC); null
 * otherwise. There is no unsigned batch: even the events from before signing existed were signed by
 * the migration that queued them.
 */
export function openBatch(row: PendingBatchRow, key: AuditKey, check: BatchCheck): SignedEvent[] | null {
  const events = parseEntries(row.entries);
  if (!events) return null;
  if (row.key_id !== key.signer.keyId.toString("hex")) return null;
  const signed = message(row.batch_id, row.entries);
  if (check.trustMac && macMatches(row, key, signed)) return events;
  return verify(null, signed, key.signer.publicKey, Buffer.from(row.signature, "base64")) ? events : null;
}
