import type { MigrationInterface, QueryRunner, TableOptions } from "typeorm";
import { signBatch, type SignedEvent } from "../../audit/audit-batch";
import { publicAuditEvent } from "../../audit/audit-event-rows";
import { eventLeafHash } from "../../audit/audit-leaf";
import { eventsCheckedAgainstSeals } from "../../audit/legacy-seal-chain";
import { isMysql } from "../dialect";
import { createTableIfMissing, dropAppendOnly, makeAppendOnly } from "./guarded-ddl";
import { auditKeyForMigration } from "./migration-audit-key";

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
 * batches to integrate, each signed with the audit key like any write batch: the old chain is unkeyed,
 * so this check is the last moment its word counts, and no unsigned batch ever enters the tree. Every
 * step looks before it acts, so a run that failed part-way can be repeated.
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

/** The events from before the tree sort before any batch written since: their created_at starts with 0000. */
const LEGACY_CREATED_AT = "0000-legacy-";

async function queueLegacyEvents(queryRunner: QueryRunner): Promise<void> {
  const queued: { count: number | string }[] = await queryRunner.query("SELECT COUNT(*) AS count FROM audit_pending WHERE created_at LIKE ?", [`${LEGACY_CREATED_AT}%`]);
  if (Number(queued[0]?.count) > 0) return;
  let batch: SignedEvent[] = [];
  let number = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    number += 1;
    const serial = String(number).padStart(12, "0");
    const row = signBatch(auditKeyForMigration(queryRunner.connection), batch, `${LEGACY_CREATED_AT}${serial}`, `00000000-0000-4000-8000-${serial}`);
    // The table has no MAC column yet (AuditBatchMac adds it): the signature alone vouches for these batches.
    await queryRunner.query("INSERT INTO audit_pending (batch_id, created_at, key_id, entries, signature) VALUES (?, ?, ?, ?, ?)", row.slice(0, 5));
    batch = [];
  };
  for await (const row of eventsCheckedAgainstSeals((sql, params) => queryRunner.query(sql, params))) {
    batch.push({ id: row.id, leaf: eventLeafHash(publicAuditEvent(row)) });
    if (batch.length === LEGACY_BATCH) await flush();
  }
  await flush();
}
