import { type MigrationInterface, type QueryRunner } from "typeorm";
import { addColumnIfMissing, createIndexIfMissing } from "./guarded-ddl";

/**
 * Retention (policy P9): which expired consent purposes their dealer has been told of, so each expiry
 * is announced once; and an index on each customer's last activity, which the retention run scans.
 */
export class Retention1764205200000 implements MigrationInterface {
  name = "Retention1764205200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await addColumnIfMissing(queryRunner, "consent_purposes", { name: "expiry_announced_at", type: "varchar", length: "24", isNullable: true });
    await createIndexIfMissing(queryRunner, "consent_purposes", { name: "ix_consent_purposes_expiry", columnNames: ["expiry_announced_at", "expires_at"] });
    await createIndexIfMissing(queryRunner, "customers", { name: "ix_customers_last_activity", columnNames: ["last_activity_at"] });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("customers", "ix_customers_last_activity");
    await queryRunner.dropIndex("consent_purposes", "ix_consent_purposes_expiry");
    await queryRunner.dropColumn("consent_purposes", "expiry_announced_at");
  }
}
