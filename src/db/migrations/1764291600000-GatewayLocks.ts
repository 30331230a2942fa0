import type { MigrationInterface, QueryRunner } from "typeorm";
import { CREATE_LOCK_TABLE } from "../database-lock";
import { isMysql } from "../dialect";

/**
 * The lock rows that replace MySQL's named locks (which a Galera cluster does not share between nodes).
 * The migrate path creates the table before any migration runs; this migration makes it part of the
 * schema, so a runtime user without the CREATE privilege finds it. SQLite needs no lock table.
 */
export class GatewayLocks1764291600000 implements MigrationInterface {
  name = "GatewayLocks1764291600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    if (isMysql(queryRunner)) await queryRunner.query(CREATE_LOCK_TABLE);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (isMysql(queryRunner)) await queryRunner.query("DROP TABLE IF EXISTS gateway_locks");
  }
}
