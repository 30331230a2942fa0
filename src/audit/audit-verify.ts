import type { DataSource, EntityManager } from "typeorm";
import { inTransaction } from "../db/transaction";
import { checkBatches, extendsCheckpoint } from "./audit-checks";
import { publicAuditEvent } from "./audit-event-rows";
import type { AuditKey } from "./audit-key";
import { eventLeafHash } from "./audit-leaf";
import { countEvents, latestCheckpoint, leafNodeHashes, leavesWithEvents, openCheckpoint, pendingBatches } from "./audit-tree-store";
import { appendLeaves, EMPTY_ROOT, foldSubtrees, type Hash } from "./merkle";

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
  while (tree.size < size) {
    const end = Math.min(size, tree.size + PAGE);
    const leaves = await leavesWithEvents(db, tree.size, end);
    // Only to name the changed event; a missing or altered node shows anyway, as a root that differs.
    const stored = await leafNodeHashes(db, tree.size, end);
    const hashes: Hash[] = [];
    for (const [i, leaf] of leaves.entries()) {
      if (leaf.leafIndex !== tree.size + i) throw new Bad("deleted");
      if (!leaf.row) throw new Bad("deleted", leaf.eventId);
      const hash = eventLeafHash(publicAuditEvent(leaf.row));
      if (stored.get(leaf.leafIndex)?.equals(hash) === false) throw new Bad("changed", leaf.eventId);
      hashes.push(hash);
    }
    if (leaves.length !== end - tree.size) throw new Bad("deleted");
    const grown = appendLeaves(tree.size, tree.edge, hashes);
    tree = { size: grown.size, edge: grown.edge };
  }
  return tree;
}

/** Every pending batch must carry the audit key's signature over exactly its events as they are now; returns their ids. */
async function checkPending(db: EntityManager, key: AuditKey): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const { events, fault } of await checkBatches(db, await pendingBatches(db), key)) {
    if (fault) throw new Bad(fault.problem, fault.eventId);
    for (const event of events) ids.add(event.id);
  }
  return ids;
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
      if (total !== treeSize + pending.size) {
        if (total < treeSize + pending.size) throw new Bad("deleted");
        throw new Bad("inserted", await firstStray(db, pending));
      }
      for (const note of options.held ?? []) {
        const held = await extendsCheckpoint(db, key, note, treeSize, stated.rootHash);
        if (held !== "ok") throw new Bad(held);
      }
      verified.set(dataSource, tree);
      return { ok: true, checked: total, treeSize };
    } catch (error) {
      if (!(error instanceof Bad)) throw error;
      return { ok: false, checked: total, treeSize, problem: error.problem, ...(error.eventId ? { firstBadEventId: error.eventId } : {}) };
    }
  });
}
