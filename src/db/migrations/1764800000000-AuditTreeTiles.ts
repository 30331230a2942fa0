import type { MigrationInterface, QueryRunner } from "typeorm";
import { appendLeaves, type Hash } from "../../audit/merkle";
import { TILE_HEIGHT, TILE_WIDTH } from "../../audit/merkle-tiles";
import { isMysql } from "../dialect";
import { createTableIfMissing, dropAppendOnly, dropGrowOnly, makeAppendOnly, makeGrowOnly } from "./guarded-ddl";

const HEX = 64;
const NODE_ROWS_PER_INSERT = 1000;

/**
 * The Merkle tree's nodes move from one row per node (`audit_tree_nodes`, about two per event) into
 * tiles of 256 hashes (`audit_tree_tiles`, src/audit/merkle-tiles.ts). The stored nodes at every
 * eighth level are copied as they are, tile by tile, then the old table goes. A rerun after a failure
 * while the old table still exists copies again from the start.
 */
export class AuditTreeTiles1764800000000 implements MigrationInterface {
  name = "AuditTreeTiles1764800000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTableIfMissing(queryRunner, {
      name: "audit_tree_tiles",
      columns: [
        { name: "level", type: "int", isPrimary: true },
        { name: "tile_index", type: isMysql(queryRunner) ? "bigint" : "integer", isPrimary: true },
        { name: "hashes", type: "text" },
      ],
    });
    if (await queryRunner.hasTable("audit_tree_nodes")) {
      await copyNodesIntoTiles(queryRunner);
      await dropAppendOnly(queryRunner, "audit_tree_nodes");
      await queryRunner.query("DROP TABLE audit_tree_nodes");
    }
    await makeGrowOnly(queryRunner, "audit_tree_tiles", ["level", "tile_index"], "hashes");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const big = isMysql(queryRunner) ? "bigint" : "integer";
    await createTableIfMissing(queryRunner, {
      name: "audit_tree_nodes",
      columns: [{ name: "level", type: "int", isPrimary: true }, { name: "node_index", type: big, isPrimary: true }, { name: "hash", type: "varchar", length: "64" }],
    });
    await dropAppendOnly(queryRunner, "audit_tree_nodes");
    await queryRunner.query("DELETE FROM audit_tree_nodes");
    await copyLeavesIntoNodes(queryRunner);
    await makeAppendOnly(queryRunner, "audit_tree_nodes");
    await dropGrowOnly(queryRunner, "audit_tree_tiles");
    await queryRunner.query("DROP TABLE IF EXISTS audit_tree_tiles");
  }
}

/** Each tile takes its level's nodes from its first position on, up to the first one missing. */
async function copyNodesIntoTiles(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query("DELETE FROM audit_tree_tiles");
  for (let level = 0, copied = true; copied; level++) {
    copied = false;
    for (let index = 0; ; index++) {
      const first = index * TILE_WIDTH;
      const rows: { node_index: number | string; hash: string }[] = await queryRunner.query(
        "SELECT node_index, hash FROM audit_tree_nodes WHERE level = ? AND node_index >= ? AND node_index < ? ORDER BY node_index",
        [level * TILE_HEIGHT, first, first + TILE_WIDTH],
      );
      const contiguous = rows.filter((row, position) => Number(row.node_index) === first + position).map((row) => row.hash);
      if (contiguous.length === 0) break;
      await queryRunner.query("INSERT INTO audit_tree_tiles (level, tile_index, hashes) VALUES (?, ?, ?)", [level, index, contiguous.join("")]);
      copied = true;
      if (contiguous.length < TILE_WIDTH) break;
    }
  }
}

/** Every node, recomputed from the leaf hashes of the level 0 tiles. */
async function copyLeavesIntoNodes(queryRunner: QueryRunner): Promise<void> {
  const tiles: { hashes: string }[] = await queryRunner.query("SELECT hashes FROM audit_tree_tiles WHERE level = 0 ORDER BY tile_index");
  const leaves: Hash[] = [];
  for (const { hashes } of tiles) for (let i = 0; i < hashes.length / HEX; i++) leaves.push(Buffer.from(hashes.slice(i * HEX, (i + 1) * HEX), "hex"));
  const { completed } = appendLeaves(0, [], leaves);
  for (let i = 0; i < completed.length; i += NODE_ROWS_PER_INSERT) {
    const chunk = completed.slice(i, i + NODE_ROWS_PER_INSERT);
    await queryRunner.query(
      `INSERT INTO audit_tree_nodes (level, node_index, hash) VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}`,
      chunk.flatMap((node) => [node.level, node.index, node.hash.toString("hex")]),
    );
  }
}
