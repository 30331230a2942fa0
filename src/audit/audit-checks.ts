import { openBatch, parseEntries, type BatchCheck, type PendingBatchRow, type SignedEvent } from "./audit-batch";
import type { AuditKey } from "./audit-key";
import { currentLeaves, MissingTreeNode, nodeReader, openCheckpoint, type Queryable } from "./audit-tree-store";
import { consistencyRanges, rangeHashes, verifyConsistency, type Hash } from "./merkle";

/** What is wrong with a pending write batch: its signature, or one of its events as it is now. */
export type BatchProblem = { problem: "signature" | "deleted" | "changed"; eventId?: string };

export type CheckedBatch = { batch: PendingBatchRow; events: SignedEvent[]; fault?: undefined } | { batch: PendingBatchRow; events?: undefined; fault: BatchProblem };

/** Pending write batches with their events as signed, or the fault "signature": what the integrator appends to the tree. */
export function openBatches(batches: PendingBatchRow[], key: AuditKey, check: BatchCheck): CheckedBatch[] {
  return batches.map((batch): CheckedBatch => {
    const events = openBatch(batch, key, check);
    return events ? { batch, events } : { batch, fault: { problem: "signature", eventId: parseEntries(batch.entries)?.[0]?.id } };
  });
}

/**
 * Checks pending write batches as verification must: their signatures themselves (`openBatches`
 * without trusting the MAC), and every event still hashing to what was signed. The events of all the
 * batches are read at once.
 */
export async function checkBatches(db: Queryable, batches: PendingBatchRow[], key: AuditKey): Promise<CheckedBatch[]> {
  const opened = openBatches(batches, key, { trustMac: false });
  const current = await currentLeaves(db, opened.flatMap(({ events }) => events?.map((event) => event.id) ?? []));
  return opened.map((checked): CheckedBatch => {
    const { batch, events } = checked;
    if (!events) return checked;
    for (const event of events) {
      const now = current.get(event.id);
      if (!now) return { batch, fault: { problem: "deleted", eventId: event.id } };
      if (!now.equals(event.leaf)) return { batch, fault: { problem: "changed", eventId: event.id } };
    }
    return { batch, events };
  });
}

/**
 * Whether the log of `size` leaves and root `root` extends a checkpoint held outside the database
 * (by an auditor, or in the witness file): it carries the audit key's signature, and the log has the
 * same root at its size or a valid RFC 9162 consistency proof from it.
 */
export async function extendsCheckpoint(db: Queryable, key: AuditKey, note: string, size: number, root: Hash): Promise<"ok" | "signature" | "inconsistent"> {
  const held = openCheckpoint(note, key);
  if (!held) return "signature";
  if (held.treeSize > size) return "inconsistent";
  try {
    const proof = await rangeHashes(consistencyRanges(held.treeSize, size), nodeReader(db));
    return verifyConsistency(held.treeSize, size, held.rootHash, root, proof) ? "ok" : "inconsistent";
  } catch (error) {
    if (error instanceof MissingTreeNode) return "inconsistent";
    throw error;
  }
}
