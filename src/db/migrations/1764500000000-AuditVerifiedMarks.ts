import type { MigrationInterface, QueryRunner } from "typeorm";
import { isMysql } from "../dialect";
import { createTableIfMissing, dropAppendOnly, makeAppendOnly } from "./guarded-ddl";

/** Signed marks of how far verification got, so that a verification continues from the last one (src/audit/verified-mark.ts). */
export class AuditVerifiedMarks1764500000000 implements MigrationInterface {
  name = "AuditVerifiedMarks1764500000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const big = isMysql(queryRunner) ? "bigint" : "integer";
    await createTableIfMissing(queryRunner, {
      name: "audit_verified_marks",
      columns: [
        { name: "tree_size", type: big, isPrimary: true },
        { name: "root_hash", type: "varchar", length: "64" },
        { name: "seq", type: big },
        { name: "signature", type: "varchar", length: "128" },
        { name: "created_at", type: "varchar", length: "24" },
      ],
    });
    await makeAppendOnly(queryRunner, "audit_verified_marks");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropAppendOnly(queryRunner, "audit_verified_marks");
    await queryRunner.query("DROP TABLE IF EXISTS audit_verified_marks");
  }
}
