import type { DataSource, EntityManager } from "typeorm";
import { inTransaction } from "../db/transaction";
import { openBatch, parseEntries } from "./audit-batch";
import { publicAuditEvent } from "./audit-event-rows";
import type { AuditKey } from "./audit-key";
import { eventLeafHash } from "./audit-leaf";
import {
  countEvents, currentLeaves, latestCheckpoint, leavesWithEvents, MissingTreeNode, nodeReader, openCheckpoint, pendingBatches,
} from "./audit-tree-store";
import { appendLeaves, consistencyRanges, EMPTY_ROOT, foldSubtrees, rangeHashes, verifyConsistency, type Hash } from "./merkle";

/** What went wrong, at the first problem found. */
export type VerifyProblem = "changed" | "deleted" | "inserted" | "signature" | "inconsistent";

export interface VerifyResult {
  ok: boolean;
  /** Events covered: every event committed before the call, integrated or still pending. */
  checked: number;
  /** Leaves in the latest checkpoint. */
  treeSize: number;
  firstBadEventId?: string;
  problem?: VerifyProblem;
}

export interface VerifyOptions {
  /** Signed checkpoint notes an auditor holds (or the witness file's last one): the log must extend each. */
  held?: string[];
  /** Recompute every leaf from its event, not only those added since this process last verified. */
  full?: boolean;
}

/** The tree this process last verified, per log: later verifications continue from it. */
interface VerifiedTree {
  size: number;
  edge: Hash[];
}
const verified = new WeakMap<DataSource, VerifiedTree>();

class Bad extends Error {
  constructor(readonly problem: VerifyProblem, readonly eventId?: string) {
    super(problem);
  }
}

const PAGE = 1000;

/** Recomputes leaves [from.size, size) from their events, checking each against its stored leaf node. */
async function extend(db: EntityManager, from: VerifiedTree, size: number): Promise<VerifiedTree> {
  let tree = from;
  const readNodes = nodeReader(db);
  while (tree.size < size) {
    const end = Math.min(size, tree.size + PAGE);
    const leaves = await leavesWithEvents(db, tree.size, end);
    const stored = await readNodes(leaves.map((leaf) => ({ level: 0, index: leaf.leafIndex }))).catch(() => null);
    const hashes: Hash[] = [];
    for (const [i, leaf] of leaves.entries()) {
      if (leaf.leafIndex !== tree.size + i) throw new Bad("deleted");
      if (!leaf.row) throw new Bad("deleted", leaf.eventId);
      const hash = eventLeafHash(publicAuditEvent(leaf.row));
      if (stored && !stored[i]!.equals(hash)) throw new Bad("changed", leaf.eventId);
      hashes.push(hash);
    }
    if (leaves.length !== end - tree.size) throw new Bad("deleted");
    const grown = appendLeaves(tree.size, tree.edge, hashes);
    tree = { size: grown.size, edge: grown.edge };
  }
  return tree;
}

/** Every pending batch must carry the audit key's signature over exactly its events as they are now. */
async function checkPending(db: EntityManager, key: AuditKey): Promise<number> {
  let count = 0;
  for (const batch of await pendingBatches(db)) {
    const events = openBatch(batch, key);
    if (!events) throw new Bad("signature", parseEntries(batch.entries)?.[0]?.id);
    const current = await currentLeaves(db, events.map((event) => event.id));
    for (const event of events) {
      const now = current.get(event.id);
      if (!now) throw new Bad("deleted", event.id);
      if (!now.equals(event.leaf)) throw new Bad("changed", event.id);
    }
    count += events.length;
  }
  return count;
}

/** The log must extend a checkpoint held outside the database: same root at its size, or a valid consistency proof. */
async function checkHeld(db: EntityManager, key: AuditKey, note: string, size: number, root: Hash): Promise<void> {
  const held = openCheckpoint(note, key);
  if (!held) throw new Bad("signature");
  if (held.treeSize > size) throw new Bad("inconsistent");
  try {
    const proof = await rangeHashes(consistencyRanges(held.treeSize, size), nodeReader(db));
    if (!verifyConsistency(held.treeSize, size, held.treeSize === 0 ? EMPTY_ROOT : held.rootHash, root, proof)) throw new Bad("inconsistent");
  } catch (error) {
    if (error instanceof MissingTreeNode) throw new Bad("inconsistent");
    throw error;
  }
}

/** An event neither in the tree nor pending was slipped in; found only when the counts already disagree. */
async function firstStray(db: EntityManager, pendingIds: Set<string>): Promise<string | undefined> {
  const rows: { id: string }[] = await db.query(
    "SELECT e.id FROM audit_events e LEFT JOIN audit_leaves l ON l.event_id = e.id WHERE l.event_id IS NULL ORDER BY e.seq",
  );
  return rows.find((row) => !pendingIds.has(row.id))?.id;
}

/**
 * Verifies the audit log against the audit key, in one consistent snapshot of the database:
 * - the latest checkpoint carries the key's signature;
 * - every leaf added since this process last verified is recomputed from its event, and the tree they
 *   make has the checkpoint's root and extends the tree verified before (so a rollback shows);
 * - every event not yet integrated is covered by its write batch's signature;
 * - no event exists outside the tree and the pending batches;
 * - the log extends every held checkpoint.
 */
export async function verifyAuditLog(dataSource: DataSource, key: AuditKey, options: VerifyOptions = {}): Promise<VerifyResult> {
  const start = options.full ? { size: 0, edge: [] } : (verified.get(dataSource) ?? { size: 0, edge: [] });
  return inTransaction(dataSource, async (db) => {
    const total = await countEvents(db);
    const checkpoint = await latestCheckpoint(db);
    const treeSize = checkpoint?.treeSize ?? 0;
    try {
      const stated = checkpoint ? openCheckpoint(checkpoint.note, key) : { treeSize: 0, rootHash: EMPTY_ROOT };
      if (!stated || stated.treeSize !== treeSize || (checkpoint && !stated.rootHash.equals(checkpoint.rootHash))) throw new Bad("signature");
      if (start.size > treeSize) throw new Bad("inconsistent");
      const tree = await extend(db, start, treeSize);
      if (!foldSubtrees(tree.edge).equals(stated.rootHash)) throw new Bad("inconsistent");
      const pending = await checkPending(db, key);
      if (total !== treeSize + pending) {
        if (total < treeSize + pending) throw new Bad("deleted");
        const pendingIds = new Set((await pendingBatches(db)).flatMap((batch) => parseEntries(batch.entries)?.map((event) => event.id) ?? []));
        throw new Bad("inserted", await firstStray(db, pendingIds));
      }
      for (const note of options.held ?? []) await checkHeld(db, key, note, treeSize, stated.rootHash);
      verified.set(dataSource, tree);
      return { ok: true, checked: total, treeSize };
    } catch (error) {
      if (!(error instanceof Bad)) throw error;
      return { ok: false, checked: total, treeSize, problem: error.problem, ...(error.eventId ? { firstBadEventId: error.eventId } : {}) };
    }
  });
}
