import type { DataSource } from "typeorm";
import { isMysql } from "../../src/db/dialect";

/**
 * The schema as the database describes it, one line per table, column, index, constraint and trigger,
 * sorted: two databases with equal snapshots hold the same tables, columns (type, character set,
 * collation, nullability, default), indexes, foreign keys and triggers. The migrations' own bookkeeping
 * table is left out: TypeORM creates it, with the database's defaults.
 */
export async function schemaSnapshot(dataSource: DataSource): Promise<string[]> {
  return isMysql(dataSource) ? mysqlSnapshot(dataSource) : sqliteSnapshot(dataSource);
}

const MIGRATIONS_TABLE = "schema_migrations";

async function lines(dataSource: DataSource, kind: string, sql: string): Promise<string[]> {
  const rows: Record<string, unknown>[] = await dataSource.query(sql, [MIGRATIONS_TABLE]);
  return rows.map((row) => `${kind} ${JSON.stringify(Object.values(row))}`);
}

async function mysqlSnapshot(dataSource: DataSource): Promise<string[]> {
  const here = (alias = "") => `${alias}TABLE_SCHEMA = DATABASE() AND ${alias}TABLE_NAME <> ?`;
  const all = await Promise.all([
    lines(dataSource, "table", `SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE ${here()}`),
    lines(dataSource, "column", `SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_KEY, EXTRA
      FROM information_schema.COLUMNS WHERE ${here()}`),
    lines(dataSource, "index", `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE
      FROM information_schema.STATISTICS WHERE ${here()}`),
    lines(dataSource, "constraint", `SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS
      WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME <> ?`),
    lines(dataSource, "key", `SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
      FROM information_schema.KEY_COLUMN_USAGE k
      LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
      WHERE ${here("k.")}`),
    lines(dataSource, "trigger", `SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORIENTATION, ACTION_STATEMENT
      FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE <> ?`),
  ]);
  return all.flat().sort();
}

async function sqliteSnapshot(dataSource: DataSource): Promise<string[]> {
  return (await lines(dataSource, "object", "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND tbl_name <> ?")).sort();
}
