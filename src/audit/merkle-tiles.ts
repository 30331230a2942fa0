import { interiorHash, type Hash, type NodeId } from "./merkle";

/**
 * The Merkle tree's nodes stored as tiles, as transparency logs store theirs (C2SP tlog-tiles): a
 * tile of level t holds, in order, up to 256 hashes of the tree's nodes at level 8t, and every node
 * between levels 8t and 8t + 7 is hashed from a run of them. Integration then writes a handful of
 * tiles per round instead of two rows per event, and a node still costs one tile read.
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

export interface TileId {
  level: number;
  index: number;
}

export const tileKey = (tile: TileId): string => `${tile.level}/${tile.index}`;

/** Where a node's hash comes from: the hashes [from, to) of one tile, a power of two of them. */
export interface TileSpan {
  tile: TileId;
  from: number;
  to: number;
}

export function tileSpan(node: NodeId): TileSpan {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const width = 2 ** (node.level % TILE_HEIGHT);
  const first = node.index * width;
  const from = first % TILE_WIDTH;
  return { tile: { level, index: Math.floor(first / TILE_WIDTH) }, from, to: from + width };
}

/**
 * A node's hash from its tile, which holds `width` hashes (`hashAt` gives one by position): the root
 * of the perfect subtree over its span. Null when the tile is too short for it.
 */
export function tileNode(span: TileSpan, width: number, hashAt: (position: number) => Hash): Hash | null {
  if (width < span.to) return null;
  let row: Hash[] = [];
  for (let position = span.from; position < span.to; position++) row.push(hashAt(position));
  while (row.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(interiorHash(row[i]!, row[i + 1]!));
    row = next;
  }
  return row[0]!;
}

/** Hashes a tile gains: `from` is how many it held before. */
export interface TileGrowth {
  tile: TileId;
  from: number;
  hashes: Hash[];
}

/**
 * The tiles that nodes completed by an append (appendLeaves' `completed`, in order) extend: those at
 * a level that is a multiple of TILE_HEIGHT, in tile order.
 */
export function tileGrowth(completed: (NodeId & { hash: Hash })[]): TileGrowth[] {
  const growth = new Map<string, TileGrowth>();
  for (const node of completed) {
    if (node.level % TILE_HEIGHT !== 0) continue;
    const tile = { level: node.level / TILE_HEIGHT, index: Math.floor(node.index / TILE_WIDTH) };
    const key = tileKey(tile);
    const entry = growth.get(key) ?? { tile, from: node.index % TILE_WIDTH, hashes: [] };
    entry.hashes.push(node.hash);
    growth.set(key, entry);
  }
  return [...growth.values()].sort((a, b) => a.tile.level - b.tile.level || a.tile.index - b.tile.index);
}
