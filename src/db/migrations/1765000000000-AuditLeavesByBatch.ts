import type { MigrationInterface, QueryRunner } from "typeorm";
import { batchEntries, MIGRATED_KEY_ID, parseEntries } from "../../audit/audit-batch";
import { batchLeaves, leafNodeHashes, type IntegratedBatch } from "../../audit/audit-tree-store";
import { isMysql } from "../dialect";
import { timeOrderedUuid } from "../time-ordered-uuid";
import {
  addNullableColumnIfMissing, createIndexIfMissing, createTableIfMissing, dropAppendOnly, dropColumnIfPresent, dropIndexIfPresent, dropSetOnce,
  hasTrigger, makeAppendOnly, makeSetOnce,
} from "./guarded-ddl";

/** Leaves of the old table put into one batch at most; a gap in the old leaf indexes also ends one. */
const LEAVES_PER_BATCH = 256;
const ROWS_PER_INSERT = 1000;
const NO_HASH = Buffer.alloc(32);

/**
 * An event's leaf is found through its write batch instead of a row of its own. `audit_pending`
 * becomes `audit_batches`, which keeps every batch, with the index of its first leaf once the
 * integrator has put it into the tree; every event row names its batch. Per event, that is one
 * column written with the event instead of a row and two index entries at integration.
 *
 * The rows of `audit_leaves` become batches of consecutive leaves (key id "migrated", no signature:
 * they are in the tree already, under signed checkpoints), their events are given those batches, the
 * events of pending batches theirs, and the old table goes. Every step looks before it acts; the
 * triggers come last, so a rerun after a failure finds the old table and maps its leaves again.
 */
export class AuditLeavesByBatch1765000000000 implements MigrationInterface {
  name = "AuditLeavesByBatch1765000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // Its last step done: applied already, by a process whose run this one trails with a stale list of
    // pending migrations, whose re-run of VerifiableAuditLog may just have made the old tables anew, empty.
    if (await hasTrigger(queryRunner, "audit_batches_set_once")) {
      for (const table of ["audit_pending", "audit_leaves"]) await dropIfEmpty(queryRunner, table);
      return;
    }
    if (await queryRunner.hasTable("audit_pending")) await queryRunner.query("ALTER TABLE audit_pending RENAME TO audit_batches");
    await addNullableColumnIfMissing(queryRunner, "audit_batches", "first_leaf", "bigint");
    await dropIndexIfPresent(queryRunner, "audit_batches", "ix_audit_pending_order");
    // Pending batches in integration order are those whose first_leaf is NULL; integrated ones by first leaf.
    await createIndexIfMissing(queryRunner, "audit_batches", { name: "ix_audit_batches_order", columnNames: ["first_leaf", "created_at", "batch_id"] });
    await addNullableColumnIfMissing(queryRunner, "audit_events", "batch_id", "varchar(36)");
    // The append-only triggers refuse any change to an event; they step aside while events are given their batch.
    await dropAppendOnly(queryRunner, "audit_events");
    try {
      await nameBatchesOfPendingEvents(queryRunner);
      if (await queryRunner.hasTable("audit_leaves")) {
        await queryRunner.query("DELETE FROM audit_batches WHERE key_id = ?", [MIGRATED_KEY_ID]);
        await leavesIntoBatches(queryRunner);
        await dropAppendOnly(queryRunner, "audit_leaves");
        await queryRunner.query("DROP TABLE audit_leaves");
      }
    } finally {
      await makeAppendOnly(queryRunner, "audit_events");
    }
    await makeSetOnce(queryRunner, "audit_batches", "first_leaf", ["batch_id", "key_id", "entries", "signature"]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropSetOnce(queryRunner, "audit_batches");
    await createTableIfMissing(queryRunner, {
      name: "audit_leaves",
      columns: [{ name: "leaf_index", type: isMysql(queryRunner) ? "bigint" : "integer", isPrimary: true }, { name: "event_id", type: "varchar", length: "36" }],
      uniques: [{ name: "uq_audit_leaves_event", columnNames: ["event_id"] }],
    });
    await dropAppendOnly(queryRunner, "audit_leaves");
    await queryRunner.query("DELETE FROM audit_leaves");
    await batchesIntoLeaves(queryRunner);
    await makeAppendOnly(queryRunner, "audit_leaves");
    await queryRunner.query("DELETE FROM audit_batches WHERE first_leaf IS NOT NULL");
    await dropIndexIfPresent(queryRunner, "audit_batches", "ix_audit_batches_order");
    await dropColumnIfPresent(queryRunner, "audit_batches", "first_leaf");
    await createIndexIfMissing(queryRunner, "audit_batches", { name: "ix_audit_pending_order", columnNames: ["created_at", "batch_id"] });
    await queryRunner.query("ALTER TABLE audit_batches RENAME TO audit_pending");
    await dropColumnIfPresent(queryRunner, "audit_events", "batch_id");
  }
}

async function dropIfEmpty(queryRunner: QueryRunner, table: string): Promise<void> {
  if (!(await queryRunner.hasTable(table)) || (await queryRunner.query(`SELECT 1 FROM ${table} LIMIT 1`)).length > 0) return;
  await dropAppendOnly(queryRunner, table);
  await queryRunner.query(`DROP TABLE ${table}`);
}

async function nameBatch(queryRunner: QueryRunner, batchId: string, eventIds: string[]): Promise<void> {
  for (let i = 0; i < eventIds.length; i += ROWS_PER_INSERT) {
    const chunk = eventIds.slice(i, i + ROWS_PER_INSERT);
    await queryRunner.query(`UPDATE audit_events SET batch_id = ? WHERE id IN (${chunk.map(() => "?").join(", ")})`, [batchId, ...chunk]);
  }
}

async function nameBatchesOfPendingEvents(queryRunner: QueryRunner): Promise<void> {
  const pending: { batch_id: string; entries: string }[] = await queryRunner.query("SELECT batch_id, entries FROM audit_batches WHERE first_leaf IS NULL");
  for (const row of pending) await nameBatch(queryRunner, row.batch_id, (parseEntries(row.entries) ?? []).map((event) => event.id));
}

/** Runs of consecutive leaves, each a batch whose entries carry the stored leaf hashes (zeros where a tile lacks one). */
async function leavesIntoBatches(queryRunner: QueryRunner): Promise<void> {
  const createdAt = new Date().toISOString();
  for (let from = 0; ;) {
    const rows: { leaf_index: number | string; event_id: string }[] = await queryRunner.query(
      `SELECT leaf_index, event_id FROM audit_leaves WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ${LEAVES_PER_BATCH}`, [from],
    );
    if (rows.length === 0) return;
    const first = Number(rows[0]!.leaf_index);
    const run = rows.filter((row, i) => Number(row.leaf_index) === first + i);
    const hashes = await leafNodeHashes(queryRunner, first, first + run.length);
    const batchId = timeOrderedUuid();
    const entries = batchEntries(run.map((row, i) => ({ id: row.event_id, leaf: hashes.get(first + i) ?? NO_HASH })));
    await queryRunner.query(
      "INSERT INTO audit_batches (batch_id, created_at, key_id, entries, signature, mac, first_leaf) VALUES (?, ?, ?, ?, '', NULL, ?)",
      [batchId, createdAt, MIGRATED_KEY_ID, entries, first],
    );
    await nameBatch(queryRunner, batchId, run.map((row) => row.event_id));
    from = first + run.length;
  }
}

async function batchesIntoLeaves(queryRunner: QueryRunner): Promise<void> {
  const batches: IntegratedBatch[] = await queryRunner.query("SELECT first_leaf, entries FROM audit_batches WHERE first_leaf IS NOT NULL ORDER BY first_leaf");
  const leaves = batches.flatMap(batchLeaves).map((leaf) => [leaf.leafIndex, leaf.eventId]);
  for (let i = 0; i < leaves.length; i += ROWS_PER_INSERT) {
    const chunk = leaves.slice(i, i + ROWS_PER_INSERT);
    await queryRunner.query(`INSERT INTO audit_leaves (leaf_index, event_id) VALUES ${chunk.map(() => "(?, ?)").join(", ")}`, chunk.flat());
  }
}
