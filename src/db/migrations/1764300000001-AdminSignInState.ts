import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Sign-in state of each admin user: `token_generation`, which every admin token carries and a password
 * change advances, so the tokens issued before the change stop working at once. Each column is added
 * only when missing, so a run that stopped part-way (MySQL runs DDL outside transactions) can be rerun.
 */
function columns(): TableColumn[] {
  return [
    new TableColumn({ name: "token_generation", type: "integer", isNullable: false, default: 0 }),
  ];
}

export class AdminSignInState1764300000001 implements MigrationInterface {
  name = "AdminSignInState1764300000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const column of columns()) {
      if (!(await queryRunner.hasColumn("admin_users", column.name))) await queryRunner.addColumn("admin_users", column);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of columns().reverse()) {
      if (await queryRunner.hasColumn("admin_users", column.name)) await queryRunner.dropColumn("admin_users", column.name);
    }
  }
}
