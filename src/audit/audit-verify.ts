import type { DataSource, EntityManager } from "typeorm";
import { inTransaction } from "../db/transaction";
import { checkBatches, extendsCheckpoint } from "./audit-checks";
import { publicAuditEvent } from "./audit-event-rows";
import type { AuditKey } from "./audit-key";
import { eventLeafHash } from "./audit-leaf";
import {
  currentLeaves, latestCheckpoint, leafIndexesInBatches, leafNodeHashes, leavesWithEvents, MissingTreeNode, openCheckpoint, pendingBatches, treeEdge, type EventBatch, type IndexedEvent,
} from "./audit-tree-store";
import { appendLeaves, EMPTY_ROOT, foldSubtrees, type Hash } from "./merkle";
import { latestVerifiedMark, recordVerifiedMark } from "./verified-mark";
import { writtenBatches } from "./written-batches";

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
  /** Recompute every leaf from its event and look at every event, not only what came since the last verification. */
  full?: boolean;
  /** When the verification is recorded as a signed mark. */
  now?: () => Date;
}

/** A verified tree and the highest event sequence number checked to be in it or pending. */
interface VerifiedTree {
  size: number;
  edge: Hash[];
  seq: number;
}

const GENESIS: VerifiedTree = { size: 0, edge: [], seq: 0 };

class Bad extends Error {
  constructor(readonly problem: VerifyProblem, readonly eventId?: string) {
    super(problem);
  }
}

const PAGE = 1000;

/**
 * Where this verification starts: the latest signed mark of an earlier one, whose tree must still be
 * the one the stored nodes describe (a rewritten node shows as a root that differs).
 */
async function startingPoint(db: EntityManager, key: AuditKey, full: boolean): Promise<VerifiedTree> {
  if (full) return GENESIS;
  const mark = await latestVerifiedMark(db, key);
  if (mark === "forged") throw new Bad("signature");
  if (!mark) return GENESIS;
  // A node missing under the mark is a rewritten tree; a database error stays an error, never a verdict.
  const edge = await treeEdge(db, mark.treeSize).catch((error: unknown) => {
    throw error instanceof MissingTreeNode ? new Bad("inconsistent") : error;
  });
  if (!foldSubtrees(edge).equals(mark.treeSize === 0 ? EMPTY_ROOT : mark.rootHash)) throw new Bad("inconsistent");
  return { size: mark.treeSize, edge, seq: mark.seq };
}

interface LeafPage {
  end: number;
  leaves: IndexedEvent[];
  /** Only to name the changed event; a missing or altered node shows anyway, as a root that differs. */
  stored: Map<number, Hash>;
}

/** Pages read ahead of the one being hashed: the database reads the next pages while this process hashes. */
const PAGES_AHEAD = 4;

/** The pages of leaves [from, to) in order, each asked for PAGES_AHEAD pages before it is needed. */
function prefetchedPages(db: EntityManager, from: number, to: number): { next(): Promise<LeafPage> } {
  const queue: Promise<LeafPage>[] = [];
  let start = from;
  const fill = () => {
    while (queue.length < PAGES_AHEAD + 1 && start < to) {
      const [first, end] = [start, Math.min(to, start + PAGE)];
      const page = Promise.all([leavesWithEvents(db, first, end), leafNodeHashes(db, first, end)]).then(([leaves, stored]) => ({ end, leaves, stored }));
      // A page read ahead but never reached (verification stopped at a bad leaf) must not fail unheard.
      page.catch(() => undefined);
      queue.push(page);
      start = end;
    }
  };
  fill();
  return {
    next() {
      const page = queue.shift()!;
      fill();
      return page;
    },
  };
}

/**
 * Recomputes leaves [from.size, size) from their events, checking each against its stored leaf node;
 * adds each leaf's event id to `seen`, when given.
 */
async function extend(db: EntityManager, from: VerifiedTree, size: number, seen?: Set<string>): Promise<Pick<VerifiedTree, "size" | "edge">> {
  let tree: Pick<VerifiedTree, "size" | "edge"> = from;
  const pages = prefetchedPages(db, from.size, size);
  while (tree.size < size) {
    const { end, leaves, stored } = await pages.next();
    const hashes: Hash[] = [];
    for (const [i, leaf] of leaves.entries()) {
      if (leaf.leafIndex !== tree.size + i) throw new Bad("deleted");
      if (!leaf.row) throw new Bad("deleted", leaf.eventId);
      const hash = eventLeafHash(publicAuditEvent(leaf.row));
      if (stored.get(leaf.leafIndex)?.equals(hash) === false) throw new Bad("changed", leaf.eventId);
      hashes.push(hash);
      seen?.add(leaf.eventId);
    }
    if (leaves.length !== end - tree.size) throw new Bad("deleted");
    tree = appendLeaves(tree.size, tree.edge, hashes);
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

const STRAY_PAGE = 5000;

/** The leaves this verification recomputed, [from, to): a batch mapping one of them was read doing so. */
interface Recomputed {
  from: number;
  to: number;
}

/**
 * Whether the event is the leaf at `index`, outside the leaves this verification recomputed: a batch
 * row can be forged to list any event at any index, but the tree's stored leaf there holds the hash
 * of the event that was integrated.
 */
async function isLeafAt(db: EntityManager, eventId: string, index: number): Promise<boolean> {
  const [stored, current] = [await leafNodeHashes(db, index, index + 1), await currentLeaves(db, [eventId])];
  return stored.get(index)?.equals(current.get(eventId) ?? Buffer.alloc(0)) ?? false;
}

/**
 * Events after sequence number `seq` that are neither in the tree nor pending were slipped in: each
 * one not `known` (pending, or a leaf this verification recomputed) must be listed by the integrated
 * batch its row names, at a leaf of the tree, and be that leaf. Read a page at a time, each page's
 * batches once. With `expected`, every event of the log has just been accounted for as a leaf or a
 * pending one, so as many events as that leave no room for a stray, and one count suffices. Returns
 * the highest sequence number now present, from which the next verification continues.
 */
async function checkNoStrays(db: EntityManager, seq: number, known: Set<string>, recomputed: Recomputed, expected?: number): Promise<number> {
  if (expected !== undefined) {
    const [all]: { events: number | string; seq: number | string | null }[] = await db.query("SELECT COUNT(*) AS events, MAX(seq) AS seq FROM audit_events WHERE seq > ?", [seq]);
    if (Number(all!.events) === expected) return Number(all!.seq ?? seq);
  }
  for (let after = seq; ;) {
    const page: (EventBatch & { seq: number | string })[] = await db.query(
      `SELECT seq, id, batch_id FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ${STRAY_PAGE}`, [after],
    );
    const candidates = page.filter((event) => !known.has(event.id));
    const indexes = await leafIndexesInBatches(db, candidates);
    for (const event of candidates) {
      const index = indexes.get(event.id) ?? recomputed.to;
      // A batch mapping a recomputed leaf was read while recomputing it: a forged one shows as a gap there.
      const inTree = index < recomputed.to && (index >= recomputed.from || (await isLeafAt(db, event.id, index)));
      if (!inTree) throw new Bad("inserted", event.id);
    }
    if (page.length < STRAY_PAGE) return page.length > 0 ? Number(page.at(-1)!.seq) : after;
    after = Number(page.at(-1)!.seq);
  }
}

/**
 * Verifies the audit log against the audit key, in one consistent snapshot of the database:
 * - the latest checkpoint carries the key's signature;
 * - every leaf added since the last verification (or since the first, with `full`) is recomputed from
 *   its event, and the tree they make has the checkpoint's root and extends the tree verified before
 *   (so a rollback shows);
 * - every event not yet integrated is covered by its write batch's signature;
 * - no event written since the last verification is outside the tree and the pending batches;
 * - the log extends every held checkpoint.
 * What a verification has covered is recorded as a signed mark; the next one continues from there, so
 * that its cost follows what was written since, not the size of the log. A change to an event the last
 * verification had already covered is found by a full verification, an inclusion proof or an export
 * checked offline.
 */
export async function verifyAuditLog(dataSource: DataSource, key: AuditKey, options: VerifyOptions = {}): Promise<VerifyResult> {
  const outcome = await inTransaction(dataSource, async (db) => {
    const checkpoint = await latestCheckpoint(db);
    const treeSize = checkpoint?.treeSize ?? 0;
    try {
      const stated = checkpoint ? openCheckpoint(checkpoint.note, key) : { treeSize: 0, rootHash: EMPTY_ROOT };
      if (!stated || stated.treeSize !== treeSize || (checkpoint && !stated.rootHash.equals(checkpoint.rootHash))) throw new Bad("signature");
      const start = await startingPoint(db, key, options.full ?? false);
      if (start.size > treeSize) throw new Bad("inconsistent");
      // From the first event on, every leaf is recomputed, and a count stands in for the ids seen.
      const fromGenesis = start.size === 0 && start.seq === 0;
      const known = new Set<string>();
      const tree = await extend(db, start, treeSize, fromGenesis ? undefined : known);
      if (!foldSubtrees(tree.edge).equals(stated.rootHash)) throw new Bad("inconsistent");
      const pending = await checkPending(db, key);
      for (const id of pending) known.add(id);
      const seq = await checkNoStrays(db, start.seq, known, { from: start.size, to: treeSize }, fromGenesis ? treeSize + pending.size : undefined);
      for (const note of options.held ?? []) {
        const held = await extendsCheckpoint(db, key, note, treeSize, stated.rootHash);
        if (held !== "ok") throw new Bad(held);
      }
      const result: VerifyResult = { ok: true, checked: treeSize + pending.size, treeSize };
      return { result, mark: start.size < treeSize || start.seq < seq ? { treeSize, rootHash: stated.rootHash, seq } : undefined };
    } catch (error) {
      if (!(error instanceof Bad)) throw error;
      const result: VerifyResult = { ok: false, checked: 0, treeSize, problem: error.problem, ...(error.eventId ? { firstBadEventId: error.eventId } : {}) };
      return { result, mark: undefined };
    }
  });
  if (outcome.mark) await recordVerifiedMark(dataSource.manager, key, outcome.mark, (options.now ?? (() => new Date()))().toISOString());
  // What the database no longer shows, the process that wrote it remembers.
  const [vanished] = writtenBatches(dataSource).vanished();
  if (outcome.result.ok && vanished) return { ok: false, checked: 0, treeSize: outcome.result.treeSize, problem: "deleted", firstBadEventId: vanished.firstEventId };
  return outcome.result;
}
