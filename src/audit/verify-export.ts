import type { PublicAuditEvent } from "./audit-event-rows";
import { eventLeafHash } from "./audit-leaf";
import { appendLeaves, foldSubtrees, verifyInclusion, type Hash } from "./merkle";
import { openNote, parseCheckpointText, parseVerifierKey } from "./signed-note";

/**
 * Offline verification of an NDJSON audit export against a signed checkpoint, with nothing but the
 * export, the checkpoint note and the log's verifier key: what a regulator who received files, not
 * database access, can run.
 *
 * - Events that carry an inclusion proof (an export with `proofs=1`) are each checked against the
 *   checkpoint's root.
 * - Otherwise the export must hold every leaf of the checkpoint's tree, and their tree must have its root.
 */

export interface ExportVerification {
  ok: boolean;
  treeSize: number;
  /** Events proven to be in the checkpoint's tree. */
  verified: number;
  /** Events not yet in that checkpoint (newer), which it cannot vouch for. */
  notCovered: number;
  problem?: string;
  line?: number;
}

type ExportLine = PublicAuditEvent & { leafIndex?: number | null; treeSize?: number; inclusionProof?: string[] };

const fail = (treeSize: number, problem: string, line?: number): ExportVerification => ({ ok: false, treeSize, verified: 0, notCovered: 0, problem, ...(line ? { line } : {}) });

export function verifyExport(ndjson: string, checkpointNote: string, verifierKeyText: string): ExportVerification {
  let verifier;
  try {
    verifier = parseVerifierKey(verifierKeyText.trim());
  } catch (error) {
    return fail(0, `the verifier key is not valid: ${(error as Error).message}`);
  }
  const text = openNote(checkpointNote, verifier);
  const checkpoint = text === null ? null : parseCheckpointText(text);
  if (!checkpoint) return fail(0, "the checkpoint is not signed by this verifier key");
  if (checkpoint.origin !== verifier.name) return fail(0, `the checkpoint's origin ${checkpoint.origin} is not the key's ${verifier.name}`);
  const { treeSize, rootHash } = checkpoint;

  const byIndex = new Map<number, Hash>();
  let proven = 0;
  let notCovered = 0;
  const lines = ndjson.split("\n");
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === "") continue;
    let event: ExportLine;
    try {
      event = JSON.parse(raw) as ExportLine;
    } catch {
      return fail(treeSize, "a line is not JSON", i + 1);
    }
    const index = event.leafIndex;
    if (index === null || index === undefined || index >= treeSize) {
      notCovered += 1;
      continue;
    }
    if (!Number.isSafeInteger(index) || index < 0) return fail(treeSize, "a leaf index is not valid", i + 1);
    const { leafIndex: _leafIndex, treeSize: proofSize, inclusionProof, ...publicEvent } = event;
    const leaf = eventLeafHash(publicEvent as PublicAuditEvent);
    if (inclusionProof) {
      if (proofSize !== treeSize) return fail(treeSize, `the proofs are for a tree of ${proofSize} leaves, the checkpoint's has ${treeSize}`, i + 1);
      if (!verifyInclusion(index, treeSize, leaf, inclusionProof.map((hash) => Buffer.from(hash, "base64")), rootHash)) {
        return fail(treeSize, `event ${event.id} is not in the checkpoint's tree as exported`, i + 1);
      }
      proven += 1;
      continue;
    }
    if (byIndex.has(index)) return fail(treeSize, `leaf ${index} appears twice`, i + 1);
    byIndex.set(index, leaf);
  }
  if (byIndex.size > 0) {
    if (byIndex.size !== treeSize) return fail(treeSize, `the export holds ${byIndex.size} of the checkpoint's ${treeSize} leaves without proofs: a line is missing (or export with proofs=1)`);
    const leaves = Array.from({ length: treeSize }, (_, index) => byIndex.get(index)!);
    if (!foldSubtrees(appendLeaves(0, [], leaves).edge).equals(rootHash)) return fail(treeSize, "the exported events do not make the checkpoint's tree: a line was changed");
  }
  return { ok: true, treeSize, verified: proven + byIndex.size, notCovered };
}
