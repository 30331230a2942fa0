import type { MigrationInterface, QueryRunner, TableOptions } from "typeorm";
import { EXACT_COLLATION } from "../columns";
import { isMysql } from "../dialect";
import { addColumnIfMissing, createTableIfMissing, setMysqlTextTypeIfDifferent } from "./guarded-ddl";

const tables = (mysql: boolean): TableOptions[] => [
  // One row per (dealer, Idempotency-Key): the primary key is the unique constraint that makes a concurrent retry wait and then replay.
  {
    name: "idempotent_writes",
    columns: [
      { name: "dealer_id", type: "varchar", length: "36", isPrimary: true },
      // Keys are compared exactly, letter case included.
      { name: "idempotency_key", type: "varchar", length: "128", isPrimary: true, collation: EXACT_COLLATION },
      // The customer written to: erasure removes the stored responses with the rest of the record.
      { name: "customer_id", type: "varchar", length: "36" },
      { name: "request_hash", type: "varchar", length: "64" },
      { name: "status", type: "integer" },
      { name: "response", type: "text" },
      { name: "created_at", type: "varchar", length: "24" },
    ],
    indices: [
      { name: "ix_idempotent_writes_created", columnNames: ["created_at"] },
      { name: "ix_idempotent_writes_customer", columnNames: ["customer_id"] },
    ],
  },
  // Policy P8: every marketing preference set, channel by channel, with who recorded it, when, and on what evidence.
  {
    name: "marketing_preference_history",
    columns: [
      // The order in which changes were recorded, even within one instant.
      { name: "seq", type: mysql ? "bigint" : "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
      { name: "customer_id", type: "varchar", length: "36" },
      { name: "channel", type: "varchar", length: "8" },
      { name: "opted_in", type: "integer" },
      { name: "recorded_at", type: "varchar", length: "24" },
      { name: "actor_type", type: "varchar", length: "16" },
      { name: "actor_id", type: "varchar", length: "64" },
      { name: "dealer_id", type: "varchar", length: "36", isNullable: true },
      { name: "evidence_ref", type: "varchar", length: "255", isNullable: true },
    ],
    indices: [{ name: "ix_marketing_preference_history_customer", columnNames: ["customer_id", "seq"] }],
  },
];

/**
 * Registering at the point of sale (contract 4.1): the `write` flag of grants, the stored results of
 * idempotent dealer writes, and the marketing preference history. Customer records grow with what
 * dealers register (up to 1,000 purchases and 1,000 warranties), more than MySQL's TEXT holds, so the
 * profile becomes MEDIUMTEXT there. Each step looks first, so a run that failed part-way can be rerun.
 */
export class PointOfSaleWrites1764700000000 implements MigrationInterface {
  name = "PointOfSaleWrites1764700000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await addColumnIfMissing(queryRunner, "dealer_grants", { name: "allows_write", type: "integer", isNullable: false, default: 0 });
    await setMysqlTextTypeIfDifferent(queryRunner, "customers", "profile", "mediumtext", true);
    for (const table of tables(isMysql(queryRunner))) await createTableIfMissing(queryRunner, table);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of tables(isMysql(queryRunner)).reverse()) await queryRunner.query(`DROP TABLE IF EXISTS ${table.name}`);
    await setMysqlTextTypeIfDifferent(queryRunner, "customers", "profile", "text", true);
    if (await queryRunner.hasColumn("dealer_grants", "allows_write")) await queryRunner.dropColumn("dealer_grants", "allows_write");
  }
}
