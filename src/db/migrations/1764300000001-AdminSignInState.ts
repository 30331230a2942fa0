import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { isMysql } from "../dialect";

/**
 * Sign-in state of each admin user: `token_generation`, which every admin token carries and a password
 * change advances, so the tokens issued before the change stop working at once; and the wrong
 * passwords in a row with the time of the last, for the per-account backoff. Each column is added only
 * when missing, so a run that stopped part-way (MySQL runs DDL outside transactions) can be rerun; text
 * columns name their character set and collation on MySQL, whatever the database's defaults.
 */
function columns(queryRunner: QueryRunner): TableColumn[] {
  const text = isMysql(queryRunner) ? { charset: "utf8mb4", collation: "utf8mb4_bin" } : {};
  return [
    new TableColumn({ name: "token_generation", type: "integer", isNullable: false, default: 0 }),
    new TableColumn({ name: "failed_logins", type: "integer", isNullable: false, default: 0 }),
    new TableColumn({ name: "last_failed_login_at", type: "varchar", length: "24", isNullable: true, ...text }),
  ];
}

export class AdminSignInState1764300000001 implements MigrationInterface {
  name = "AdminSignInState1764300000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const column of columns(queryRunner)) {
      if (!(await queryRunner.hasColumn("admin_users", column.name))) await queryRunner.addColumn("admin_users", column);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of columns(queryRunner).reverse()) {
      if (await queryRunner.hasColumn("admin_users", column.name)) await queryRunner.dropColumn("admin_users", column.name);
    }
  }
}
