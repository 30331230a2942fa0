import type { EntityManager } from "typeorm";
import type { Statement, StatementResult } from "../db/direct-pool";
import { ENTRY_ID_LENGTH, ENTRY_LINE, parseEntries, type PendingBatchRow } from "./audit-batch";
import { AUDIT_EVENT_SELECT, publicAuditEvent, type AuditEventRow } from "./audit-event-rows";
import type { AuditKey } from "./audit-key";
import { eventLeafHash } from "./audit-leaf";
import { EMPTY_ROOT, perfectSubtrees, type Hash, type NodeId, type NodeReader } from "./merkle";
import { TILE_WIDTH, tileGrowth, tileKey, tileNode, tileSpan, type TileId } from "./merkle-tiles";
import { checkpointText, openNote, parseCheckpointText, signNote } from "./signed-note";

/**
 * Where the Merkle tree lives: write batches (pending ones, and integrated ones with their first leaf
 * index: an event's leaf is its batch's first leaf plus its place among the batch's entries), node
 * tiles, signed checkpoints.
 */

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

export const LATEST_CHECKPOINT: Statement = { sql: "SELECT tree_size, root_hash, note, created_at FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1", params: [] };

/** The checkpoint of LATEST_CHECKPOINT's rows; null before the first. */
export function latestOf(rows: StatementResult): StoredCheckpoint | null {
  const row = (rows as { tree_size: number | string; root_hash: string; note: string; created_at: string }[])[0];
  return row ? { treeSize: Number(row.tree_size), rootHash: Buffer.from(row.root_hash, "hex"), note: row.note, createdAt: row.created_at } : null;
}

export async function latestCheckpoint(db: Queryable): Promise<StoredCheckpoint | null> {
  return latestOf(await db.query(LATEST_CHECKPOINT.sql));
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

const HEX = 64;

/** Stored tiles by tileKey, as their hex text. */
async function readTiles(db: Queryable, tiles: TileId[]): Promise<Map<string, string>> {
  const wanted = [...new Map(tiles.map((tile) => [tileKey(tile), tile])).values()];
  if (wanted.length === 0) return new Map();
  const rows: { level: number | string; tile_index: number | string; hashes: string }[] = await db.query(
    `SELECT level, tile_index, hashes FROM audit_tree_tiles WHERE ${wanted.map(() => "(level = ? AND tile_index = ?)").join(" OR ")}`,
    wanted.flatMap((tile) => [tile.level, tile.index]),
  );
  return new Map(rows.map((row) => [tileKey({ level: Number(row.level), index: Number(row.tile_index) }), row.hashes]));
}

const hashAt = (hex: string, position: number): Hash => Buffer.from(hex.slice(position * HEX, (position + 1) * HEX), "hex");

/** Reads nodes from their tiles; a node whose tile is missing or too short means the tree was tampered with or is not yet that large. */
export function nodeReader(db: Queryable): NodeReader {
  return async (ids: NodeId[]) => {
    const spans = ids.map(tileSpan);
    const tiles = await readTiles(db, spans.map((span) => span.tile));
    return spans.map((span, i) => {
      const hex = tiles.get(tileKey(span.tile)) ?? "";
      const hash = tileNode(span, Math.floor(hex.length / HEX), (position) => hashAt(hex, position));
      if (!hash) throw new MissingTreeNode(ids[i]!);
      return hash;
    });
  };
}

export class MissingTreeNode extends Error {
  constructor(readonly node: NodeId) {
    super(`audit tree node ${node.level}/${node.index} is missing`);
  }
}

/** The stored leaf hashes of leaves [from, to), by leaf index. */
export async function leafNodeHashes(db: Queryable, from: number, to: number): Promise<Map<number, Hash>> {
  const hashes = new Map<number, Hash>();
  if (to <= from) return hashes;
  const rows: { tile_index: number | string; hashes: string }[] = await db.query(
    "SELECT tile_index, hashes FROM audit_tree_tiles WHERE level = 0 AND tile_index >= ? AND tile_index <= ?",
    [Math.floor(from / TILE_WIDTH), Math.floor((to - 1) / TILE_WIDTH)],
  );
  for (const row of rows) {
    const first = Number(row.tile_index) * TILE_WIDTH;
    const end = Math.min(row.hashes.length / HEX, to - first);
    for (let position = Math.max(0, from - first); position < end; position++) hashes.set(first + position, hashAt(row.hashes, position));
  }
  return hashes;
}

/** A write of the integrator's round; `check` throws when its outcome is not what the tree needs. */
export interface TreeWrite extends Statement {
  check?: (result: StatementResult) => void;
}

/** A check that the write changed exactly `rows` rows, naming `problem` when it did not. */
const changesExactly = (rows: number, problem: string) => (result: StatementResult) => {
  if (!("affectedRows" in result) || result.affectedRows !== rows) throw new Error(`${problem}: integration stopped until the log is examined`);
};

/**
 * Sets each integrated batch's first leaf index: one statement for the round's batches, checked to
 * have found every one of them still pending. An event's leaf is found through its batch, so nothing
 * is written per event.
 */
export function batchLeavesWrite(mysql: boolean, batches: { batchId: string; firstLeaf: number }[]): TreeWrite {
  const ids = batches.map((batch) => batch.batchId);
  return {
    // By the primary key on MySQL: through the index on (first_leaf, ...), which the optimizer picks when
    // few batches are pending, the UPDATE would lock the gap where new batches go, and every audit write
    // would wait for the round to commit.
    sql: `UPDATE audit_batches${mysql ? " FORCE INDEX (PRIMARY)" : ""} SET first_leaf = CASE batch_id ${batches.map(() => "WHEN ? THEN ?").join(" ")} END` +
      ` WHERE first_leaf IS NULL AND batch_id IN (${ids.map(() => "?").join(", ")})`,
    params: [...batches.flatMap((batch) => [batch.batchId, batch.firstLeaf]), ...ids],
    check: changesExactly(batches.length, "audit batches changed while they were integrated"),
  };
}

/**
 * Stores the nodes an append completed (appendLeaves' `completed`): new tiles are inserted, and the
 * tile each level had left partly filled gets its new hashes appended in the database, without its text
 * being read and sent back whole (the database refuses any other change to a tile). A partial tile that
 * does not hold what the tree says it should is left as it is and stops the round: appending to it
 * would misplace every later hash.
 */
export function treeNodeWrites(mysql: boolean, completed: (NodeId & { hash: Hash })[]): TreeWrite[] {
  const writes: TreeWrite[] = [];
  const inserted: unknown[][] = [];
  for (const { tile, from, hashes } of tileGrowth(completed)) {
    const added = hashes.map((hash) => hash.toString("hex")).join("");
    if (from === 0) {
      inserted.push([tile.level, tile.index, added]);
      continue;
    }
    writes.push({
      sql: `UPDATE audit_tree_tiles SET hashes = ${mysql ? "CONCAT(hashes, ?)" : "hashes || ?"} WHERE level = ? AND tile_index = ? AND ${mysql ? "CHAR_LENGTH" : "length"}(hashes) = ?`,
      params: [added, tile.level, tile.index, from * HEX],
      check: changesExactly(1, `audit tree tile ${tileKey(tile)} does not hold the ${from} hashes the tree needs`),
    });
  }
  if (inserted.length > 0) writes.push({ sql: `INSERT INTO audit_tree_tiles (level, tile_index, hashes) VALUES ${inserted.map(() => "(?, ?, ?)").join(", ")}`, params: inserted.flat() });
  return writes;
}

/** The right edge of the tree of `size` leaves: what appending continues from. */
export async function treeEdge(db: Queryable, size: number): Promise<Hash[]> {
  return nodeReader(db)(perfectSubtrees({ start: 0, end: size }));
}

/** Pending write batches in integration order, the first `limit` of them when given. */
export function pendingBatchesQuery(limit?: number): Statement {
  return {
    sql: `SELECT batch_id, created_at, key_id, entries, signature, mac FROM audit_batches WHERE first_leaf IS NULL ORDER BY created_at, batch_id${limit ? ` LIMIT ${Number(limit)}` : ""}`,
    params: [],
  };
}

export async function pendingBatches(db: Queryable, limit?: number): Promise<PendingBatchRow[]> {
  const { sql, params } = pendingBatchesQuery(limit);
  return db.query(sql, params);
}

const ID_CHUNK = 500;

/** The rows of `sql`, which ends in `IN`, for all of `values`: ID_CHUNK of them a statement. */
async function rowsWhereIn<T>(db: Queryable, sql: string, values: string[]): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < values.length; i += ID_CHUNK) {
    const chunk = values.slice(i, i + ID_CHUNK);
    rows.push(...((await db.query(`${sql} (${chunk.map(() => "?").join(", ")})`, chunk)) as T[]));
  }
  return rows;
}

async function eventRowsById(db: Queryable, ids: string[]): Promise<Map<string, AuditEventRow>> {
  const rows = await rowsWhereIn<AuditEventRow>(db, `SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE id IN`, ids);
  return new Map(rows.map((row) => [row.id, row]));
}

/** Events by id, with the leaf hash each hashes to now. */
export async function currentLeaves(db: Queryable, ids: string[]): Promise<Map<string, Hash>> {
  const leaves = new Map<string, Hash>();
  for (const [id, row] of await eventRowsById(db, ids)) leaves.set(id, eventLeafHash(publicAuditEvent(row)));
  return leaves;
}

export interface IndexedEvent {
  leafIndex: number;
  eventId: string;
  /** Null when the event row is gone. */
  row: AuditEventRow | null;
}

export interface IntegratedBatch {
  first_leaf: number | string;
  entries: string;
}

/** A batch's leaves by its entries; none when the entries are not well-formed. */
export const batchLeaves = (batch: IntegratedBatch) =>
  (parseEntries(batch.entries) ?? []).map((event, i) => ({ leafIndex: Number(batch.first_leaf) + i, eventId: event.id }));

/**
 * The leaves with index in [from, to), with their events, in index order, as the integrated batches
 * that hold them map them. A leaf no batch maps is absent, which the caller sees as a gap.
 */
export async function leavesWithEvents(db: Queryable, from: number, to: number): Promise<IndexedEvent[]> {
  const batches: IntegratedBatch[] = await db.query(
    "SELECT first_leaf, entries FROM audit_batches WHERE first_leaf < ? AND first_leaf >= COALESCE((SELECT MAX(first_leaf) FROM audit_batches WHERE first_leaf <= ?), 0) ORDER BY first_leaf",
    [to, from],
  );
  const leaves = batches.flatMap(batchLeaves).filter((leaf) => leaf.leafIndex >= from && leaf.leafIndex < to);
  const rows = await eventRowsById(db, leaves.map((leaf) => leaf.eventId));
  return leaves.map((leaf) => ({ ...leaf, row: rows.get(leaf.eventId) ?? null }));
}

export async function leafIndexOf(db: Queryable, eventId: string): Promise<number | null> {
  return (await leafIndexes(db, [eventId])).get(eventId) ?? null;
}

/** An event row's id and the write batch it names. */
export interface EventBatch {
  id: string;
  batch_id: string | null;
}

/**
 * The leaf index of each of `events` that is integrated and listed by the batch its row names: the
 * batch's first leaf plus the event's line among the batch's entries. An event whose row names a
 * batch that does not list it has none.
 */
export async function leafIndexesInBatches(db: Queryable, events: EventBatch[]): Promise<Map<string, number>> {
  const batchIds = [...new Set(events.flatMap((event) => (event.batch_id ? [event.batch_id] : [])))];
  const batches = await rowsWhereIn<IntegratedBatch & { batch_id: string }>(
    db, "SELECT batch_id, first_leaf, entries FROM audit_batches WHERE first_leaf IS NOT NULL AND batch_id IN", batchIds,
  );
  const byId = new Map(batches.map((batch) => [batch.batch_id, { firstLeaf: Number(batch.first_leaf), lines: entryLines(batch.entries) }]));
  const indexes = new Map<string, number>();
  for (const event of events) {
    const batch = event.batch_id ? byId.get(event.batch_id) : undefined;
    const line = batch?.lines.get(event.id);
    if (line !== undefined) indexes.set(event.id, batch!.firstLeaf + line);
  }
  return indexes;
}

/**
 * The line of each event id at the start of a line of a batch's entries (its first, if listed twice),
 * read at the lines' fixed width: one pass, where searching the entries for each event would read a
 * batch once per event it holds.
 */
function entryLines(entries: string): Map<string, number> {
  const lines = new Map<string, number>();
  for (let at = 0, line = 0; at + ENTRY_ID_LENGTH <= entries.length; at += ENTRY_LINE, line++) {
    const id = entries.slice(at, at + ENTRY_ID_LENGTH);
    if (!lines.has(id)) lines.set(id, line);
  }
  return lines;
}

/** Whether each of `batchIds` that exists is integrated (true) or pending (false); a batch absent from the map does not exist. */
export async function batchesIntegrated(db: Queryable, batchIds: string[]): Promise<Map<string, boolean>> {
  const rows = await rowsWhereIn<{ batch_id: string; first_leaf: number | string | null }>(db, "SELECT batch_id, first_leaf FROM audit_batches WHERE batch_id IN", batchIds);
  return new Map(rows.map((row) => [row.batch_id, row.first_leaf !== null]));
}

/** The leaf index of each integrated event among `eventIds`. */
export async function leafIndexes(db: Queryable, eventIds: string[]): Promise<Map<string, number>> {
  return leafIndexesInBatches(db, await rowsWhereIn<EventBatch>(db, "SELECT id, batch_id FROM audit_events WHERE id IN", eventIds));
}
