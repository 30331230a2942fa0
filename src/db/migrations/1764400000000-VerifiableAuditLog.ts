import type { MigrationInterface, QueryRunner } from "typeorm";
import { batchEntries, LEGACY_KEY_ID, PENDING_INSERT } from "../../audit/audit-batch";
import { publicAuditEvent } from "../../audit/audit-event-rows";
import { eventLeafHash } from "../../audit/audit-leaf";
import { eventsCheckedAgainstSeals } from "../../audit/legacy-seal-chain";
import { isMysql } from "../dialect";

const MYSQL_TABLE = "ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";

/** Tables the integrator only ever adds to; the database refuses changes and deletions. */
const APPEND_ONLY = ["audit_leaves", "audit_tree_nodes", "audit_checkpoints"];

function tables(mysql: boolean): string[] {
  const big = mysql ? "BIGINT" : "INTEGER";
  const longText = mysql ? "MEDIUMTEXT" : "TEXT";
  const options = mysql ? ` ${MYSQL_TABLE}` : "";
  return [
    // Events written and signed but not yet in the tree; the integrator deletes a batch once it has integrated it.
    `CREATE TABLE IF NOT EXISTS audit_pending (batch_id VARCHAR(36) NOT NULL PRIMARY KEY, created_at VARCHAR(24) NOT NULL, key_id VARCHAR(16) NOT NULL, entries ${longText} NOT NULL, signature VARCHAR(128) NOT NULL)${options}`,
    `CREATE TABLE IF NOT EXISTS audit_leaves (leaf_index ${big} NOT NULL PRIMARY KEY, event_id VARCHAR(36) NOT NULL, CONSTRAINT uq_audit_leaves_event UNIQUE (event_id))${options}`,
    `CREATE TABLE IF NOT EXISTS audit_tree_nodes (level INT NOT NULL, node_index ${big} NOT NULL, hash CHAR(64) NOT NULL, PRIMARY KEY (level, node_index))${options}`,
    `CREATE TABLE IF NOT EXISTS audit_checkpoints (tree_size ${big} NOT NULL PRIMARY KEY, root_hash CHAR(64) NOT NULL, note TEXT NOT NULL, created_at VARCHAR(24) NOT NULL)${options}`,
  ];
}

function refuse(mysql: boolean, table: string, op: "UPDATE" | "DELETE"): string {
  const name = `${table}_no_${op.toLowerCase()}`;
  return mysql
    ? `CREATE TRIGGER IF NOT EXISTS ${name} BEFORE ${op} ON ${table} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${table} is append-only'`
    : `CREATE TRIGGER IF NOT EXISTS ${name} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`;
}

const LEGACY_BATCH = 1000;

/**
 * The audit log as a verifiable log (RFC 9162 Merkle tree, signed checkpoints). Events written before
 * it are checked once more against the old seal chain and queued, in their old order, as the first
 * batches to integrate. Every statement is idempotent, so a run that failed part-way can be repeated.
 */
export class VerifiableAuditLog1764400000000 implements MigrationInterface {
  name = "VerifiableAuditLog1764400000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysql(queryRunner);
    for (const sql of tables(mysql)) await queryRunner.query(sql);
    for (const table of APPEND_ONLY) for (const op of ["UPDATE", "DELETE"] as const) await queryRunner.query(refuse(mysql, table, op));
    await queryRunner.query(refuse(mysql, "audit_pending", "UPDATE"));
    await queryRunner.query("CREATE INDEX IF NOT EXISTS ix_audit_pending_order ON audit_pending (created_at, batch_id)");
    await queueLegacyEvents(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...APPEND_ONLY, "audit_pending"]) {
      for (const op of ["update", "delete"]) await queryRunner.query(`DROP TRIGGER IF EXISTS ${table}_no_${op}`);
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
    await queryRunner.query(PENDING_INSERT, [`00000000-0000-4000-8000-${String(number).padStart(12, "0")}`, createdAt, LEGACY_KEY_ID, batchEntries(batch), ""]);
    batch = [];
  };
  for await (const row of eventsCheckedAgainstSeals((sql, params) => queryRunner.query(sql, params))) {
    batch.push({ id: row.id, leaf: eventLeafHash(publicAuditEvent(row)) });
    if (batch.length === LEGACY_BATCH) await flush();
  }
  await flush();
}
