import { createHash, hash } from "node:crypto";

/**
 * RFC 9162 section 2.1 Merkle tree hashing, proofs and their verification. Proof construction is
 * separated from hashing: a proof is first a list of leaf ranges, and the hash of a range is built from
 * perfect, aligned subtrees that a node store can keep, so a proof over a billion events reads only
 * O(log n) stored nodes.
 */

export type Hash = Buffer;

/** A node of the tree: the perfect subtree of 2^level leaves starting at leaf `index * 2^level`. */
export interface NodeId {
  level: number;
  index: number;
}

/** Leaves [start, end). */
export interface LeafRange {
  start: number;
  end: number;
}

export const EMPTY_ROOT: Hash = createHash("sha256").digest();

const LEAF_PREFIX = Buffer.of(0x00);

export function leafHash(data: Buffer): Hash {
  return hash("sha256", Buffer.concat([LEAF_PREFIX, data]), "buffer");
}

/** leafHash of a text's UTF-8 bytes, without copying them first: U+0000 is the one byte 0x00. */
export function textLeafHash(text: string): Hash {
  return hash("sha256", `\u0000${text}`, "buffer");
}

const INTERIOR_PREFIX = Buffer.of(0x01);

export function interiorHash(left: Hash, right: Hash): Hash {
  return hash("sha256", Buffer.concat([INTERIOR_PREFIX, left, right]), "buffer");
}

/** The largest power of two smaller than n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function assertSize(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
}

/** RFC 9162 2.1.3.1 PATH(m, D[n]), as the ranges whose hashes form the inclusion proof, leaf side first. */
export function inclusionRanges(leafIndex: number, treeSize: number): LeafRange[] {
  assertSize(leafIndex, "leafIndex");
  assertSize(treeSize, "treeSize");
  if (leafIndex >= treeSize) throw new RangeError("leafIndex must be smaller than treeSize");
  const path = (m: number, start: number, end: number): LeafRange[] => {
    const n = end - start;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, start, start + k), { start: start + k, end }]
      : [...path(m - k, start + k, end), { start, end: start + k }];
  };
  return path(leafIndex, 0, treeSize);
}

/** RFC 9162 2.1.4.1 PROOF(m, D[n]), as the ranges whose hashes form the consistency proof. */
export function consistencyRanges(fromSize: number, toSize: number): LeafRange[] {
  assertSize(fromSize, "fromSize");
  assertSize(toSize, "toSize");
  if (fromSize > toSize) throw new RangeError("fromSize must not exceed toSize");
  if (fromSize === 0 || fromSize === toSize) return [];
  const subproof = (m: number, start: number, end: number, whole: boolean): LeafRange[] => {
    const n = end - start;
    if (m === n) return whole ? [] : [{ start, end }];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, start, start + k, whole), { start: start + k, end }]
      : [...subproof(m - k, start + k, end, false), { start, end: start + k }];
  };
  return subproof(fromSize, 0, toSize, true);
}

/**
 * The perfect subtrees that make up [start, end), largest first. Every range a proof or a root needs
 * starts at a multiple of a power of two at least as large as itself, so this is the binary expansion
 * of its length.
 */
export function perfectSubtrees(range: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  let start = range.start;
  let remaining = range.end - range.start;
  for (let level = Math.floor(Math.log2(Math.max(remaining, 1))) + 1; level >= 0 && remaining > 0; level--) {
    const size = 2 ** level;
    if (size > remaining) continue;
    if (start % size !== 0) throw new RangeError(`range [${range.start}, ${range.end}) is not aligned`);
    nodes.push({ level, index: start / size });
    start += size;
    remaining -= size;
  }
  return nodes;
}

/** MTH of a range from the hashes of its perfect subtrees (largest first): a fold from the right. */
export function foldSubtrees(hashes: Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  return hashes.reduceRight((right, left) => interiorHash(left, right));
}

export type NodeReader = (nodes: NodeId[]) => Promise<Hash[]>;

/** The hashes of ranges, reading each needed perfect subtree once. */
export async function rangeHashes(ranges: LeafRange[], read: NodeReader): Promise<Hash[]> {
  const perRange = ranges.map(perfectSubtrees);
  const hashes = await read(perRange.flat());
  let offset = 0;
  return perRange.map((nodes) => {
    const slice = hashes.slice(offset, offset + nodes.length);
    offset += nodes.length;
    return foldSubtrees(slice);
  });
}

/**
 * Appends leaves to a tree of `size` leaves whose right edge (the perfect subtrees of
 * perfectSubtrees({0, size}), largest first) is `edge`. Returns the new edge and every node completed
 * on the way, for the node store.
 */
export function appendLeaves(size: number, edge: Hash[], leaves: Hash[]): { size: number; edge: Hash[]; completed: (NodeId & { hash: Hash })[] } {
  const stack = [...edge];
  const completed: (NodeId & { hash: Hash })[] = [];
  let treeSize = size;
  for (const leaf of leaves) {
    let hash = leaf;
    let level = 0;
    let index = treeSize;
    completed.push({ level, index, hash });
    // Each trailing 1 bit of the old size is a subtree of equal size that the new one completes.
    for (let bits = treeSize; bits % 2 === 1; bits = Math.floor(bits / 2)) {
      hash = interiorHash(stack.pop()!, hash);
      level += 1;
      index = Math.floor(index / 2);
      completed.push({ level, index, hash });
    }
    stack.push(hash);
    treeSize += 1;
  }
  return { size: treeSize, edge: stack, completed };
}

/** RFC 9162 2.1.3.2: the root an inclusion proof leads to, or null when the proof has the wrong shape. */
export function rootFromInclusionProof(leafIndex: number, treeSize: number, leaf: Hash, proof: Hash[]): Hash | null {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return null;
  if (leaf.length !== 32 || proof.some((hash) => hash.length !== 32)) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = interiorHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = interiorHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Hash, proof: Hash[], root: Hash): boolean {
  const computed = rootFromInclusionProof(leafIndex, treeSize, leaf, proof);
  return computed !== null && computed.equals(root);
}

/** RFC 9162 2.1.4.2, with the trivial cases: a tree is consistent with itself and with the empty tree. */
export function verifyConsistency(fromSize: number, toSize: number, fromRoot: Hash, toRoot: Hash, proof: Hash[]): boolean {
  if (!Number.isSafeInteger(fromSize) || !Number.isSafeInteger(toSize) || fromSize < 0 || fromSize > toSize) return false;
  if (fromSize === toSize) return proof.length === 0 && fromRoot.equals(toRoot);
  if (fromSize === 0) return proof.length === 0;
  if (proof.length === 0 || proof.some((hash) => hash.length !== 32)) return false;
  const path = (fromSize & (fromSize - 1)) === 0 ? [fromRoot, ...proof] : [...proof];
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = interiorHash(c, fr);
      sr = interiorHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = interiorHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(fromRoot) && sr.equals(toRoot);
}
