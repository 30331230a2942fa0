import { sign, verify } from "node:crypto";
import { isUniqueViolation } from "../db/db-errors";
import type { AuditKey } from "./audit-key";
import type { Queryable } from "./audit-tree-store";
import type { Hash } from "./merkle";

/**
 * How far a verification got: the tree it recomputed from the events (size and root) and the highest
 * event sequence number it saw. Stored signed by the audit key, so that the next verification, by any
 * gateway process and after a restart, continues from it instead of from the first event. Only the key
 * can sign a mark: a database administrator can delete marks, which costs the next verification time,
 * but cannot forge one that lets a change go unchecked.
 */
export interface VerifiedMark {
  treeSize: number;
  rootHash: Hash;
  /** Events up to this sequence number were all found in the tree or in a signed pending batch. */
  seq: number;
}

const MARK_FORMAT = "dealer-gateway/audit-verified/v1";

function message(key: AuditKey, mark: VerifiedMark): Buffer {
  return Buffer.from(`${MARK_FORMAT}\n${key.origin}\n${mark.treeSize}\n${mark.rootHash.toString("hex")}\n${mark.seq}\n`, "utf8");
}

interface MarkRow {
  tree_size: number | string;
  root_hash: string;
  seq: number | string;
  signature: string;
}

/** The latest mark; "forged" when its signature is not the audit key's, which only tampering explains. */
export async function latestVerifiedMark(db: Queryable, key: AuditKey): Promise<VerifiedMark | "forged" | null> {
  const rows: MarkRow[] = await db.query("SELECT tree_size, root_hash, seq, signature FROM audit_verified_marks ORDER BY tree_size DESC LIMIT 1");
  const row = rows[0];
  if (!row) return null;
  const mark = { treeSize: Number(row.tree_size), rootHash: Buffer.from(row.root_hash, "hex"), seq: Number(row.seq) };
  return verify(null, message(key, mark), key.signer.publicKey, Buffer.from(row.signature, "base64")) ? mark : "forged";
}

/** Records a verification's mark; another process may have recorded one at the same size first, which is as good. */
export async function recordVerifiedMark(db: Queryable, key: AuditKey, mark: VerifiedMark, at: string): Promise<void> {
  const signature = sign(null, message(key, mark), key.signer.privateKey).toString("base64");
  await db.query(
    "INSERT INTO audit_verified_marks (tree_size, root_hash, seq, signature, created_at) VALUES (?, ?, ?, ?, ?)",
    [mark.treeSize, mark.rootHash.toString("hex"), mark.seq, signature, at],
  ).catch((error: unknown) => {
    if (!isUniqueViolation(error)) throw error;
  });
}
