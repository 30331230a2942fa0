import type { MigrationInterface, QueryRunner } from "typeorm";
import { addColumnIfMissing } from "./guarded-ddl";

/** Pending write batches carry a MAC besides their signature (src/audit/audit-batch.ts); rows written before it have none. */
export class AuditBatchMac1764900000000 implements MigrationInterface {
  name = "AuditBatchMac1764900000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // Renamed by AuditLeavesByBatch, column and all: a second process re-running a stale list of migrations finds nothing to do.
    if (!(await queryRunner.hasTable("audit_pending"))) return;
    await addColumnIfMissing(queryRunner, "audit_pending", { name: "mac", type: "varchar", length: "64", isNullable: true });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (await queryRunner.hasColumn("audit_pending", "mac")) await queryRunner.dropColumn("audit_pending", "mac");
  }
}
