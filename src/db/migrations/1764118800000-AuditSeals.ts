import { type MigrationInterface, type QueryRunner } from "typeorm";
import { isMysql } from "../dialect";
import { createIndexSqlIfMissing, createTableIfMissing, dropAppendOnly, makeAppendOnly } from "./guarded-ddl";

const SEALS = "audit_seals";

/**
 * The tamper-evidence chain of the audit log: one row per sealed event, each hash chained to the one
 * before. Append-only like `audit_events`; plus an index for the compliance API's filter by action.
 */
export class AuditSeals1764118800000 implements MigrationInterface {
  name = "AuditSeals1764118800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const seq = isMysql(queryRunner) ? "bigint" : "integer";
    await createTableIfMissing(queryRunner, {
      name: SEALS,
      columns: [
        { name: "event_seq", type: seq, isPrimary: true },
        { name: "event_id", type: "varchar", length: "36" },
        { name: "event_hash", type: "varchar", length: "64" },
        { name: "chain_hash", type: "varchar", length: "64" },
        { name: "version", type: "int" },
        { name: "sealed_at", type: "varchar", length: "24" },
      ],
    });
    await createIndexSqlIfMissing(queryRunner, "audit_events", "ix_audit_events_action", "CREATE INDEX ix_audit_events_action ON audit_events (action, seq)");
    await makeAppendOnly(queryRunner, SEALS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropAppendOnly(queryRunner, SEALS);
    await queryRunner.query(isMysql(queryRunner) ? "DROP INDEX ix_audit_events_action ON audit_events" : "DROP INDEX ix_audit_events_action");
    await queryRunner.dropTable(SEALS);
  }
}
