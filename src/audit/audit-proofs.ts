import type { DataSource } from "typeorm";
import { problems } from "../http/problem";
import { AUDIT_EVENT_SELECT, publicAuditEvent, type AuditEventRow } from "./audit-event-rows";
import type { AuditKey } from "./audit-key";
import { eventLeafHash } from "./audit-leaf";
import { EMPTY_CHECKPOINT, latestCheckpoint, leafIndexOf, nodeReader, type Queryable, type StoredCheckpoint } from "./audit-tree-store";
import { consistencyRanges, inclusionRanges, rangeHashes } from "./merkle";

const b64 = (hash: Buffer) => hash.toString("base64");

export async function currentCheckpoint(db: Queryable, key: AuditKey): Promise<StoredCheckpoint> {
  return (await latestCheckpoint(db)) ?? EMPTY_CHECKPOINT(key);
}

/** `{ origin, treeSize, rootHash, note, verifierKey }` of contract section 6.1, and when it was signed (null before the first). */
export function checkpointBody(checkpoint: StoredCheckpoint, key: AuditKey) {
  return {
    origin: key.origin, treeSize: checkpoint.treeSize, rootHash: b64(checkpoint.rootHash), note: checkpoint.note, verifierKey: key.verifierKey,
    createdAt: checkpoint.createdAt ?? null,
  };
}

/** A tree size asked for must exist: at most the latest checkpoint's. */
function sizeWithin(size: number | undefined, latest: number): number {
  if (size === undefined) return latest;
  if (size > latest) throw problems.validation(`treeSize ${size} is beyond the latest checkpoint (${latest})`);
  return size;
}

export interface InclusionProof {
  eventId: string;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  inclusionProof: string[];
}

/** The leaf hash is recomputed from the event as it is now, so a changed event's proof fails to verify. */
export async function inclusionProofFor(db: Queryable, row: AuditEventRow, leafIndex: number, treeSize: number): Promise<InclusionProof> {
  const proof = await rangeHashes(inclusionRanges(leafIndex, treeSize), nodeReader(db));
  return { eventId: row.id, leafIndex, treeSize, leafHash: b64(eventLeafHash(publicAuditEvent(row))), inclusionProof: proof.map(b64) };
}

export async function eventInclusionProof(dataSource: DataSource, key: AuditKey, eventId: string, requestedSize?: number): Promise<InclusionProof> {
  const latest = await currentCheckpoint(dataSource, key);
  const treeSize = sizeWithin(requestedSize, latest.treeSize);
  const leafIndex = await leafIndexOf(dataSource, eventId);
  const rows: AuditEventRow[] = await dataSource.query(`SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE id = ?`, [eventId]);
  if (leafIndex === null || leafIndex >= treeSize || !rows[0]) throw problems.notFound("No such event in a checkpoint of that size");
  return inclusionProofFor(dataSource, rows[0], leafIndex, treeSize);
}

export async function consistencyProof(dataSource: DataSource, key: AuditKey, from: number, requestedTo?: number) {
  const latest = await currentCheckpoint(dataSource, key);
  const to = sizeWithin(requestedTo, latest.treeSize);
  if (from > to) throw problems.validation(`from (${from}) must not exceed to (${to})`);
  const proof = await rangeHashes(consistencyRanges(from, to), nodeReader(dataSource));
  return { from, to, proof: proof.map(b64) };
}
