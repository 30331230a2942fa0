import type { EntityManager } from "typeorm";
import type { PendingBatchRow } from "./audit-batch";
import { AUDIT_EVENT_SELECT, publicAuditEvent, type AuditEventRow } from "./audit-event-rows";
import type { AuditKey } from "./audit-key";
import { eventLeafHash } from "./audit-leaf";
import { EMPTY_ROOT, perfectSubtrees, type Hash, type NodeId, type NodeReader } from "./merkle";
import { checkpointText, openNote, parseCheckpointText, signNote } from "./signed-note";

/** Where the Merkle tree lives: leaves (event id by index), perfect subtree nodes, signed checkpoints, pending batches. */

export type Queryable = Pick<EntityManager, "query">;

export interface StoredCheckpoint {
  treeSize: number;
  rootHash: Hash;
  note: string;
  /** When it was signed (ISO 8601); absent for the empty tree's, which is signed on demand. */
  createdAt?: string;
}

export const EMPTY_CHECKPOINT = (key: AuditKey): StoredCheckpoint => ({
  treeSize: 0, rootHash: EMPTY_ROOT, note: signNote(checkpointText({ origin: key.origin, treeSize: 0, rootHash: EMPTY_ROOT }), key.signer),
});

export async function latestCheckpoint(db: Queryable): Promise<StoredCheckpoint | null> {
  const rows: { tree_size: number | string; root_hash: string; note: string; created_at: string }[] = await db.query(
    "SELECT tree_size, root_hash, note, created_at FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1",
  );
  const row = rows[0];
  return row ? { treeSize: Number(row.tree_size), rootHash: Buffer.from(row.root_hash, "hex"), note: row.note, createdAt: row.created_at } : null;
}

/** The checkpoint a note states, when the note carries a valid signature by the audit key for this log's origin. */
export function openCheckpoint(note: string, key: AuditKey): { treeSize: number; rootHash: Hash } | null {
  const text = openNote(note, key.signer);
  const checkpoint = text === null ? null : parseCheckpointText(text);
  return checkpoint && checkpoint.origin === key.origin ? { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash } : null;
}

/**
 * Refuses an audit key other than the one that signed the log's latest checkpoint. A process started
 * with another key (AUDIT_SIGNING_KEY unset and a key generated into another DATA_DIR, say) would sign
 * write batches the integrator refuses, and verification would report its own events as forged.
 */
export async function assertKeySignsLog(db: Queryable, key: AuditKey): Promise<void> {
  const checkpoint = await latestCheckpoint(db);
  if (checkpoint && !openCheckpoint(checkpoint.note, key)) {
    throw new Error(
      `The audit key (${key.verifierKey}) is not the one that signed this audit log's checkpoints (AUDIT_LOG_ORIGIN ${key.origin}): ` +
      "set AUDIT_SIGNING_KEY (and AUDIT_LOG_ORIGIN) to those of the other gateway processes of this database",
    );
  }
}

/** Reads stored nodes; a node that is missing means the tree was tampered with or is not yet that large. */
export function nodeReader(db: Queryable): NodeReader {
  return async (ids: NodeId[]) => {
    if (ids.length === 0) return [];
    const rows: { level: number | string; node_index: number | string; hash: string }[] = await db.query(
      `SELECT level, node_index, hash FROM audit_tree_nodes WHERE ${ids.map(() => "(level = ? AND node_index = ?)").join(" OR ")}`,
      ids.flatMap((id) => [id.level, id.index]),
    );
    const byId = new Map(rows.map((row) => [`${row.level}/${row.node_index}`, Buffer.from(row.hash, "hex")]));
    return ids.map((id) => {
      const hash = byId.get(`${id.level}/${id.index}`);
      if (!hash) throw new MissingTreeNode(id);
      return hash;
    });
  };
}

export class MissingTreeNode extends Error {
  constructor(readonly node: NodeId) {
    super(`audit tree node ${node.level}/${node.index} is missing`);
  }
}

/** The stored leaf hashes (level 0 nodes) of leaves [from, to), by leaf index. */
export async function leafNodeHashes(db: Queryable, from: number, to: number): Promise<Map<number, Hash>> {
  const rows: { node_index: number | string; hash: string }[] = await db.query(
    "SELECT node_index, hash FROM audit_tree_nodes WHERE level = 0 AND node_index >= ? AND node_index < ?", [from, to],
  );
  return new Map(rows.map((row) => [Number(row.node_index), Buffer.from(row.hash, "hex")]));
}

/** The right edge of the tree of `size` leaves: what appending continues from. */
export async function treeEdge(db: Queryable, size: number): Promise<Hash[]> {
  return nodeReader(db)(perfectSubtrees({ start: 0, end: size }));
}

/** Pending write batches in integration order; with `after`, only those that follow that batch. */
export async function pendingBatches(db: Queryable, limit?: number, after?: Pick<PendingBatchRow, "created_at" | "batch_id">): Promise<PendingBatchRow[]> {
  return db.query(
    `SELECT batch_id, created_at, key_id, entries, signature FROM audit_pending${after ? " WHERE created_at > ? OR (created_at = ? AND batch_id > ?)" : ""}` +
      ` ORDER BY created_at, batch_id${limit ? ` LIMIT ${Number(limit)}` : ""}`,
    after ? [after.created_at, after.created_at, after.batch_id] : [],
  );
}

const ID_CHUNK = 500;

/** Events by id, with the leaf hash each hashes to now. */
export async function currentLeaves(db: Queryable, ids: string[]): Promise<Map<string, Hash>> {
  const leaves = new Map<string, Hash>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    const rows: AuditEventRow[] = await db.query(`SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE id IN (${chunk.map(() => "?").join(", ")})`, chunk);
    for (const row of rows) leaves.set(row.id, eventLeafHash(publicAuditEvent(row)));
  }
  return leaves;
}

export interface IndexedEvent {
  leafIndex: number;
  eventId: string;
  /** Null when the event row is gone. */
  row: AuditEventRow | null;
}

/** The leaves with index in [from, to), with their events, in index order. */
export async function leavesWithEvents(db: Queryable, from: number, to: number): Promise<IndexedEvent[]> {
  const rows: (AuditEventRow & { leaf_index: number | string; leaf_event_id: string })[] = await db.query(
    `SELECT l.leaf_index, l.event_id AS leaf_event_id, ${AUDIT_EVENT_SELECT.split(", ").map((column) => `e.${column}`).join(", ")}
     FROM audit_leaves l LEFT JOIN audit_events e ON e.id = l.event_id
     WHERE l.leaf_index >= ? AND l.leaf_index < ? ORDER BY l.leaf_index`,
    [from, to],
  );
  return rows.map((row) => ({ leafIndex: Number(row.leaf_index), eventId: row.leaf_event_id, row: row.id === null ? null : row }));
}

export async function leafIndexOf(db: Queryable, eventId: string): Promise<number | null> {
  const rows: { leaf_index: number | string }[] = await db.query("SELECT leaf_index FROM audit_leaves WHERE event_id = ?", [eventId]);
  return rows[0] ? Number(rows[0].leaf_index) : null;
}

export async function leafIndexes(db: Queryable, eventIds: string[]): Promise<Map<string, number>> {
  const indexes = new Map<string, number>();
  for (let i = 0; i < eventIds.length; i += ID_CHUNK) {
    const chunk = eventIds.slice(i, i + ID_CHUNK);
    const rows: { event_id: string; leaf_index: number | string }[] = await db.query(
      `SELECT event_id, leaf_index FROM audit_leaves WHERE event_id IN (${chunk.map(() => "?").join(", ")})`, chunk,
    );
    for (const row of rows) indexes.set(row.event_id, Number(row.leaf_index));
  }
  return indexes;
}

