import { TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from "typeorm";
import { isMysql } from "../dialect";
import { createTableIfMissing } from "./guarded-ddl";

const str = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
const at = (name: string, nullable = false): TableColumnOptions => str(name, 24, nullable);
const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: "int", isNullable: nullable });

/**
 * Dealer webhooks (contract section 5): one webhook per dealer, its signing secret encrypted at rest,
 * and the outbox of deliveries, one row per feed event, queued in the transaction that creates the event.
 */
export class DealerWebhooks1764600000000 implements MigrationInterface {
  name = "DealerWebhooks1764600000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const big = isMysql(queryRunner) ? "bigint" : "integer";
    await createTableIfMissing(queryRunner, {
      name: "dealer_webhooks",
      columns: [
        { ...str("dealer_id", 36), isPrimary: true }, str("url", 2048), { name: "secret", type: "text" }, str("status", 16),
        at("created_at"), at("updated_at"), at("last_delivery_at", true), at("last_failure_at", true), str("last_failure", 255, true), at("disabled_at", true),
      ],
      foreignKeys: [new TableForeignKey({ columnNames: ["dealer_id"], referencedTableName: "dealers", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "NO ACTION" })],
    });
    await createTableIfMissing(queryRunner, {
      name: "webhook_deliveries",
      columns: [
        { name: "id", type: big, isPrimary: true, isGenerated: true, generationStrategy: "increment" },
        str("dealer_id", 36), { name: "event_seq", type: "bigint" }, str("status", 16), int("attempts"), at("next_attempt_at"),
        at("claimed_until", true), str("claimed_by", 36, true), at("created_at"), at("last_attempt_at", true), at("delivered_at", true),
        int("last_status", true), str("last_error", 255, true), str("last_response", 512, true),
      ],
      indices: [
        new TableIndex({ name: "ix_webhook_deliveries_due", columnNames: ["status", "next_attempt_at"] }),
        new TableIndex({ name: "ix_webhook_deliveries_dealer", columnNames: ["dealer_id", "id"] }),
      ],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE IF EXISTS webhook_deliveries");
    await queryRunner.query("DROP TABLE IF EXISTS dealer_webhooks");
  }
}
