import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { isMysql } from "../dialect";

const SEALS = "audit_seals";

/**
 * The tamper-evidence chain of the audit log: one row per sealed event, each hash chained to the one
 * before. Append-only like `audit_events`; plus an index for the compliance API's filter by action.
 */
export class AuditSeals1764118800000 implements MigrationInterface {
  name = "AuditSeals1764118800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const seq = isMysql(queryRunner) ? "bigint" : "integer";
    await queryRunner.createTable(new Table({
      name: SEALS,
      columns: [
        { name: "event_seq", type: seq, isPrimary: true },
        { name: "event_id", type: "varchar", length: "36" },
        { name: "event_hash", type: "varchar", length: "64" },
        { name: "chain_hash", type: "varchar", length: "64" },
        { name: "version", type: "int" },
        { name: "sealed_at", type: "varchar", length: "24" },
      ],
    }));
    if (isMysql(queryRunner)) await queryRunner.query(`ALTER TABLE ${SEALS} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await queryRunner.query("CREATE INDEX ix_audit_events_action ON audit_events (action, seq)");
    for (const op of ["UPDATE", "DELETE"]) {
      const trigger = `${SEALS}_no_${op.toLowerCase()}`;
      if (isMysql(queryRunner)) {
        await queryRunner.query(`CREATE TRIGGER ${trigger} BEFORE ${op} ON ${SEALS} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${SEALS} is append-only'`);
      } else {
        await queryRunner.query(`CREATE TRIGGER ${trigger} BEFORE ${op} ON ${SEALS} BEGIN SELECT RAISE(ABORT, '${SEALS} is append-only'); END`);
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const op of ["update", "delete"]) await queryRunner.query(`DROP TRIGGER IF EXISTS ${SEALS}_no_${op}`);
    await queryRunner.query(isMysql(queryRunner) ? "DROP INDEX ix_audit_events_action ON audit_events" : "DROP INDEX ix_audit_events_action");
    await queryRunner.dropTable(SEALS);
  }
}
