import type { MigrationInterface, QueryRunner, TableOptions } from "typeorm";
import { batchEntries, LEGACY_KEY_ID } from "../../audit/audit-batch";
import { publicAuditEvent } from "../../audit/audit-event-rows";
import { eventLeafHash } from "../../audit/audit-leaf";
import { eventsCheckedAgainstSeals } from "../../audit/legacy-seal-chain";
import { isMysql } from "../dialect";
import { createTableIfMissing, dropAppendOnly, makeAppendOnly } from "./guarded-ddl";

/** Tables the integrator only ever adds to; the database refuses changes and deletions. */
const APPEND_ONLY = ["audit_leaves", "audit_tree_nodes", "audit_checkpoints"];

function tables(mysql: boolean): TableOptions[] {
  const big = mysql ? "bigint" : "integer";
  return [
    // Events written and signed but not yet in the tree; the integrator deletes a batch once it has integrated it.
    {
      name: "audit_pending",
      columns: [
        { name: "batch_id", type: "varchar", length: "36", isPrimary: true },
        { name: "created_at", type: "varchar", length: "24" },
        { name: "key_id", type: "varchar", length: "16" },
        { name: "entries", type: mysql ? "mediumtext" : "text" },
        { name: "signature", type: "varchar", length: "128" },
      ],
      indices: [{ name: "ix_audit_pending_order", columnNames: ["created_at", "batch_id"] }],
    },
    {
      name: "audit_leaves",
      columns: [{ name: "leaf_index", type: big, isPrimary: true }, { name: "event_id", type: "varchar", length: "36" }],
      uniques: [{ name: "uq_audit_leaves_event", columnNames: ["event_id"] }],
    },
    {
      name: "audit_tree_nodes",
      columns: [{ name: "level", type: "int", isPrimary: true }, { name: "node_index", type: big, isPrimary: true }, { name: "hash", type: "varchar", length: "64" }],
    },
    {
      name: "audit_checkpoints",
      columns: [
        { name: "tree_size", type: big, isPrimary: true },
        { name: "root_hash", type: "varchar", length: "64" },
        { name: "note", type: "text" },
        { name: "created_at", type: "varchar", length: "24" },
      ],
    },
  ];
}

const LEGACY_BATCH = 1000;

/**
 * The audit log as a verifiable log (RFC 9162 Merkle tree, signed checkpoints). Events written before
 * it are checked once more against the old seal chain and queued, in their old order, as the first
 * batches to integrate. Every step looks before it acts, so a run that failed part-way can be repeated.
 */
export class VerifiableAuditLog1764400000000 implements MigrationInterface {
  name = "VerifiableAuditLog1764400000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of tables(isMysql(queryRunner))) await createTableIfMissing(queryRunner, table);
    for (const table of APPEND_ONLY) await makeAppendOnly(queryRunner, table);
    await queueLegacyEvents(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...APPEND_ONLY, "audit_pending"]) {
      await dropAppendOnly(queryRunner, table);
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}

/** Legacy batches sort before any signed one: their created_at starts with 0000. */
async function queueLegacyEvents(queryRunner: QueryRunner): Promise<void> {
  const queued: { count: number | string }[] = await queryRunner.query("SELECT COUNT(*) AS count FROM audit_pending WHERE key_id = ?", [LEGACY_KEY_ID]);
  if (Number(queued[0]?.count) > 0) return;
  let batch: { id: string; leaf: Buffer }[] = [];
  let number = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    number += 1;
    const createdAt = `0000-legacy-${String(number).padStart(12, "0")}`;
    await queryRunner.query("INSERT INTO audit_pending (batch_id, created_at, key_id, entries, signature) VALUES (?, ?, ?, ?, ?)", [`00000000-0000-4000-8000-${String(number).padStart(12, "0")}`, createdAt, LEGACY_KEY_ID, batchEntries(batch), ""]);
    batch = [];
  };
  for await (const row of eventsCheckedAgainstSeals((sql, params) => queryRunner.query(sql, params))) {
    batch.push({ id: row.id, leaf: eventLeafHash(publicAuditEvent(row)) });
    if (batch.length === LEGACY_BATCH) await flush();
  }
  await flush();
}
