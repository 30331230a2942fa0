import { describe, expect, test } from "vitest";
import fc from "fast-check";
import {
  appendLeaves, consistencyRanges, EMPTY_ROOT, foldSubtrees, inclusionRanges, interiorHash, leafHash, perfectSubtrees, rangeHashes,
  rootFromInclusionProof, verifyConsistency, verifyInclusion, type Hash, type NodeId, type NodeReader,
} from "../src/audit/merkle";
import { TILE_WIDTH, tileGrowth, tileKey, tileNode, tileSpan } from "../src/audit/merkle-tiles";

const hex = (text: string): Buffer => Buffer.from(text, "hex");

// Test vectors of the transparency-dev/merkle reference implementation (testonly/constants.go, proof/verify_test.go).
const LEAF_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(hex);
const ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
].map(hex);
const INCLUSION = [
  { index: 0, size: 8, proof: ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
  { index: 5, size: 8, proof: ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
  { index: 2, size: 3, proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  { index: 1, size: 5, proof: ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
];
const CONSISTENCY = [
  { from: 1, to: 8, proof: ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
  { from: 6, to: 8, proof: ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
  { from: 2, to: 5, proof: ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
  { from: 6, to: 7, proof: ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
];

/** MTH straight from RFC 9162's recursive definition: the oracle the stored-node path is checked against. */
function referenceRoot(leaves: Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return interiorHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/** An in-memory tile store filled the way the integrator fills the database's: appended in batches, partial tiles extended. */
function buildTree(leaves: Hash[], batch = 37): { read: NodeReader; root: (size: number) => Promise<Hash>; tiles: Map<string, Hash[]>; edge: Hash[] } {
  const tiles = new Map<string, Hash[]>();
  let state = { size: 0, edge: [] as Hash[] };
  for (let start = 0; start < leaves.length; start += batch) {
    const next = appendLeaves(state.size, state.edge, leaves.slice(start, start + batch));
    for (const growth of tileGrowth(next.completed)) {
      const key = tileKey(growth.tile);
      const tile = tiles.get(key) ?? [];
      if (tile.length !== growth.from) throw new Error(`tile ${key} holds ${tile.length} hashes, the append expects ${growth.from}`);
      tiles.set(key, [...tile, ...growth.hashes]);
    }
    state = next;
  }
  const read: NodeReader = async (ids: NodeId[]) =>
    ids.map((id) => {
      const span = tileSpan(id);
      const tile = tiles.get(tileKey(span.tile)) ?? [];
      const hash = tileNode(span, tile.length, (position) => tile[position]!);
      if (!hash) throw new Error(`node ${id.level}/${id.index} missing`);
      return hash;
    });
  const root = async (size: number) => (await rangeHashes([{ start: 0, end: size }], read))[0]!;
  return { read, root, tiles, edge: state.edge };
}

const proofOf = async (ranges: ReturnType<typeof inclusionRanges>, read: NodeReader) => rangeHashes(ranges, read);
const leaves = LEAF_INPUTS.map(leafHash);

describe("RFC 9162 Merkle tree: reference vectors", () => {
  test("roots of every size from 0 to 8", async () => {
    const tree = buildTree(leaves);
    for (let size = 0; size <= 8; size++) {
      expect((await tree.root(size)).toString("hex")).toBe(ROOTS[size]!.toString("hex"));
      expect(referenceRoot(leaves.slice(0, size)).equals(ROOTS[size]!)).toBe(true);
    }
  });

  test.each(INCLUSION)("inclusion proof of leaf $index in a tree of $size", async ({ index, size, proof }) => {
    const built = await proofOf(inclusionRanges(index, size), buildTree(leaves).read);
    expect(built.map((hash) => hash.toString("hex"))).toEqual(proof);
    expect(verifyInclusion(index, size, leaves[index]!, proof.map(hex), ROOTS[size]!)).toBe(true);
  });

  test.each(CONSISTENCY)("consistency proof from $from to $to", async ({ from, to, proof }) => {
    const built = await proofOf(consistencyRanges(from, to), buildTree(leaves).read);
    expect(built.map((hash) => hash.toString("hex"))).toEqual(proof);
    expect(verifyConsistency(from, to, ROOTS[from]!, ROOTS[to]!, proof.map(hex))).toBe(true);
  });

  test("a single leaf is its own root and has an empty proof", () => {
    expect(verifyInclusion(0, 1, leaves[0]!, [], leaves[0]!)).toBe(true);
    expect(verifyInclusion(0, 1, leaves[0]!, [], leaves[1]!)).toBe(false);
  });
});

describe("RFC 9162 Merkle tree: corrupted proofs are refused", () => {
  const flip = (hash: Buffer, bit: number) => {
    const copy = Buffer.from(hash);
    copy[0]! ^= 1 << bit;
    return copy;
  };

  test.each(INCLUSION)("inclusion $index/$size", ({ index, size, proof: hexProof }) => {
    const proof = hexProof.map(hex);
    const root = ROOTS[size]!;
    const leaf = leaves[index]!;
    const probes: [number, number, Buffer, Buffer[], Buffer][] = [
      [index - 1, size, leaf, proof, root], [index + 1, size, leaf, proof, root], [index ^ 2, size, leaf, proof, root],
      [index, size * 2, leaf, proof, root], [index, Math.floor(size / 2), leaf, proof, root],
      [index, size, Buffer.from("WrongLeaf"), proof, root], [index, size, leaf, proof, EMPTY_ROOT],
      [index, size, leaf, [...proof, Buffer.alloc(0)], root], [index, size, leaf, [...proof, root], root],
      [index, size, leaf, [root, ...proof], root], [index, size, leaf, proof.slice(0, -1), root],
      ...proof.map((_, i): [number, number, Buffer, Buffer[], Buffer] => [index, size, leaf, proof.map((hash, j) => (i === j ? flip(hash, 3) : hash)), root]),
    ];
    for (const probe of probes) expect(verifyInclusion(...probe)).toBe(false);
  });

  test.each(CONSISTENCY)("consistency $from/$to", ({ from, to, proof: hexProof }) => {
    const proof = hexProof.map(hex);
    const [r1, r2] = [ROOTS[from]!, ROOTS[to]!];
    const probes: [number, number, Buffer, Buffer, Buffer[]][] = [
      [from - 1, to, r1, r2, proof], [from + 1, to, r1, r2, proof], [from ^ 2, to, r1, r2, proof],
      [from, to * 2, r1, r2, proof], [from, Math.floor(to / 2), r1, r2, proof],
      [from, to, Buffer.from("WrongRoot"), r2, proof], [from, to, r1, Buffer.from("WrongRoot"), proof], [from, to, r2, r1, proof],
      [from, to, r1, r2, []], [from, to, r1, r2, [...proof, r1]], [from, to, r1, r2, [...proof, r2]],
      [from, to, r1, r2, [r1, ...proof]], [from, to, r1, r2, [r2, ...proof]], [from, to, r1, r2, [proof[0]!, ...proof]],
      [from, to, r1, r2, proof.slice(0, -1)],
      ...proof.map((_, i): [number, number, Buffer, Buffer, Buffer[]] => [from, to, r1, r2, proof.map((hash, j) => (i === j ? flip(hash, 4) : hash))]),
    ];
    for (const probe of probes) expect(verifyConsistency(...probe)).toBe(false);
  });

  test("trivial consistency: with itself and with the empty tree, never backwards", () => {
    expect(verifyConsistency(0, 5, EMPTY_ROOT, ROOTS[5]!, [])).toBe(true);
    expect(verifyConsistency(5, 5, ROOTS[5]!, ROOTS[5]!, [])).toBe(true);
    expect(verifyConsistency(5, 5, ROOTS[5]!, ROOTS[4]!, [])).toBe(false);
    expect(verifyConsistency(5, 5, ROOTS[5]!, ROOTS[5]!, [ROOTS[5]!])).toBe(false);
    expect(verifyConsistency(5, 4, ROOTS[5]!, ROOTS[4]!, [])).toBe(false);
  });
});

describe("RFC 9162 Merkle tree: properties against the recursive definition", () => {
  const randomLeaves = (count: number) => Array.from({ length: count }, (_, i) => leafHash(Buffer.from(`event-${i}`)));
  const all = randomLeaves(130);
  const tree = buildTree(all);

  test("every stored-node root equals the recursive MTH", async () => {
    for (let size = 0; size <= all.length; size++) expect((await tree.root(size)).equals(referenceRoot(all.slice(0, size)))).toBe(true);
  });

  test("appending in batches gives the same nodes as appending one by one", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 17 }), { maxLength: 12 }), (batches) => {
        let state = { size: 0, edge: [] as Hash[] };
        for (const count of batches) {
          const next = appendLeaves(state.size, state.edge, all.slice(state.size, state.size + count));
          state = { size: next.size, edge: next.edge };
        }
        const expected = perfectSubtrees({ start: 0, end: state.size }).map((node) =>
          referenceRoot(all.slice(node.index * 2 ** node.level, (node.index + 1) * 2 ** node.level)),
        );
        expect(state.edge.map((hash) => hash.toString("hex"))).toEqual(expected.map((hash) => hash.toString("hex")));
      }),
    );
  });

  test("inclusion proofs verify for every leaf, and lead to the root", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: all.length }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }))), async ([size, index]) => {
        const proof = await rangeHashes(inclusionRanges(index, size), tree.read);
        const root = referenceRoot(all.slice(0, size));
        expect(rootFromInclusionProof(index, size, all[index]!, proof)?.equals(root)).toBe(true);
        expect(verifyInclusion(index, size, all[(index + 1) % size]!, proof, root)).toBe(size === 1);
      }),
    );
  });

  test("consistency proofs verify between any two sizes, and fail for another log", async () => {
    const other = randomLeaves(130).map((hash, i) => (i === 3 ? leafHash(Buffer.from("rewritten")) : hash));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: all.length }).chain((to) => fc.tuple(fc.integer({ min: 1, max: to }), fc.constant(to))), async ([from, to]) => {
        const proof = await rangeHashes(consistencyRanges(from, to), tree.read);
        expect(verifyConsistency(from, to, referenceRoot(all.slice(0, from)), referenceRoot(all.slice(0, to)), proof)).toBe(true);
        if (from > 3 && from < to) expect(verifyConsistency(from, to, referenceRoot(other.slice(0, from)), referenceRoot(all.slice(0, to)), proof)).toBe(false);
      }),
    );
  });
});

describe("the tree's nodes stored as tiles of 256 hashes", () => {
  const randomLeaves = (count: number) => Array.from({ length: count }, (_, i) => leafHash(Buffer.from(`tiled-${i}`)));

  test("every perfect subtree of 600 leaves, read from its tile, equals the recursive MTH of its leaves", async () => {
    const all = randomLeaves(600);
    const tree = buildTree(all, 53);
    expect([...tree.tiles.keys()].sort()).toEqual(["0/0", "0/1", "0/2", "1/0"]);
    expect(tree.tiles.get("0/2")).toHaveLength(600 - 2 * TILE_WIDTH);
    expect(tree.tiles.get("1/0")).toHaveLength(2);
    for (let level = 0; 2 ** level <= all.length; level++) {
      const nodes = Array.from({ length: Math.floor(all.length / 2 ** level) }, (_, index) => ({ level, index }));
      const hashes = await tree.read(nodes);
      nodes.forEach((node, i) => expect(hashes[i]!.equals(referenceRoot(all.slice(node.index * 2 ** level, (node.index + 1) * 2 ** level)))).toBe(true));
    }
    for (const size of [1, 255, 256, 257, 511, 512, 513, 599, 600]) expect((await tree.root(size)).equals(referenceRoot(all.slice(0, size)))).toBe(true);
  });

  test("a node beyond what the tiles hold is missing, not made up", async () => {
    const tree = buildTree(randomLeaves(300));
    await expect(tree.read([{ level: 0, index: 300 }])).rejects.toThrow(/missing/);
    await expect(tree.read([{ level: 2, index: 75 }])).rejects.toThrow(/missing/);
    await expect(tree.read([{ level: 8, index: 1 }])).rejects.toThrow(/missing/);
    await expect(tree.read([{ level: 9, index: 0 }])).rejects.toThrow(/missing/);
  });

  test("past 65,536 leaves a third tile level holds the nodes of level 16, and the root read from tiles is the appended tree's", async () => {
    const tree = buildTree(randomLeaves(TILE_WIDTH ** 2 + 300), 1000);
    expect(tree.tiles.get("2/0")).toHaveLength(1);
    expect(tree.tiles.get("1/0")).toHaveLength(TILE_WIDTH);
    expect(tree.tiles.get("1/1")).toHaveLength(1);
    expect((await tree.root(TILE_WIDTH ** 2 + 300)).equals(foldSubtrees(tree.edge))).toBe(true);
  });
});
