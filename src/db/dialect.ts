import type { DataSource, QueryRunner } from "typeorm";

type HasDriver = Pick<DataSource, "options"> | QueryRunner;

export function isMysql(source: HasDriver): boolean {
  const options = "connection" in source ? source.connection.options : source.options;
  return options.type === "mariadb" || options.type === "mysql";
}
