import { Table, TableColumn, TableIndex, type QueryRunner, type TableColumnOptions, type TableIndexOptions, type TableOptions } from "typeorm";
import { CHARSET, COLLATION } from "../columns";
import { isMysql } from "../dialect";

/**
 * Schema steps that look before they change: MySQL and MariaDB commit each DDL statement on its own,
 * so a migration that failed part-way has left some of its steps behind, and its rerun must skip
 * those and finish the rest.
 */

const TEXT_TYPES = new Set(["varchar", "text"]);

/**
 * On MySQL a text column names its character set and collation (COLLATION unless it names another);
 * SQLite compares text byte by byte and knows neither name, so there it names none.
 */
function explicitCharset(queryRunner: QueryRunner, column: TableColumnOptions): TableColumnOptions {
  const { charset: _charset, collation, ...rest } = column;
  if (!TEXT_TYPES.has(column.type) || !isMysql(queryRunner)) return rest;
  return { ...rest, charset: CHARSET, collation: collation ?? COLLATION };
}

/** The table with its indexes and foreign keys, in one CREATE TABLE on MySQL; nothing when it exists. */
export async function createTableIfMissing(queryRunner: QueryRunner, options: TableOptions): Promise<void> {
  const table = new Table({
    ...options,
    columns: options.columns?.map((column) => explicitCharset(queryRunner, column)),
    // TypeORM writes the engine last in CREATE TABLE; the table's defaults follow it so that nothing falls back to the database's.
    ...(isMysql(queryRunner) ? { engine: `InnoDB DEFAULT CHARSET=${CHARSET} COLLATE=${COLLATION}` } : {}),
  });
  await queryRunner.createTable(table, true);
}

export async function addColumnIfMissing(queryRunner: QueryRunner, table: string, column: TableColumnOptions): Promise<void> {
  if (await queryRunner.hasColumn(table, column.name)) return;
  await queryRunner.addColumn(table, new TableColumn(explicitCharset(queryRunner, column)));
}

/**
 * A nullable column added in place with ALTER TABLE. TypeORM's addColumn rebuilds a SQLite table,
 * which copies every row and drops the table's triggers; MariaDB adds a nullable column instantly.
 */
export async function addNullableColumnIfMissing(queryRunner: QueryRunner, table: string, name: string, type: "bigint" | "varchar(36)"): Promise<void> {
  if (await queryRunner.hasColumn(table, name)) return;
  const mysql = isMysql(queryRunner);
  const sqlType = type === "bigint" ? (mysql ? "BIGINT" : "INTEGER") : `VARCHAR(36)${mysql ? ` CHARACTER SET ${CHARSET} COLLATE ${COLLATION}` : ""}`;
  await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN ${name} ${sqlType} NULL`);
}

export async function dropColumnIfPresent(queryRunner: QueryRunner, table: string, name: string): Promise<void> {
  if (await queryRunner.hasColumn(table, name)) await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN ${name}`);
}

async function exists(queryRunner: QueryRunner, mysqlSql: string, sqliteSql: string, params: string[]): Promise<boolean> {
  const rows: unknown[] = await queryRunner.query(isMysql(queryRunner) ? mysqlSql : sqliteSql, params);
  return rows.length > 0;
}

function hasIndex(queryRunner: QueryRunner, table: string, name: string): Promise<boolean> {
  return exists(queryRunner,
    "SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ? LIMIT 1",
    "SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name = ?", [table, name]);
}

export function hasTrigger(queryRunner: QueryRunner, name: string): Promise<boolean> {
  return exists(queryRunner,
    "SELECT 1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME = ?",
    "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]);
}

export async function createIndexIfMissing(queryRunner: QueryRunner, table: string, index: TableIndexOptions & { name: string }): Promise<void> {
  if (await hasIndex(queryRunner, table, index.name)) return;
  await queryRunner.createIndex(table, new TableIndex(index));
}

export async function dropIndexIfPresent(queryRunner: QueryRunner, table: string, name: string): Promise<void> {
  if (await hasIndex(queryRunner, table, name)) await queryRunner.query(isMysql(queryRunner) ? `DROP INDEX ${name} ON ${table}` : `DROP INDEX ${name}`);
}

/** Runs `sql` (a CREATE INDEX) unless the index exists. */
export async function createIndexSqlIfMissing(queryRunner: QueryRunner, table: string, name: string, sql: string): Promise<void> {
  if (!(await hasIndex(queryRunner, table, name))) await queryRunner.query(sql);
}

/** Inserts the rows whose key is not there yet. */
export async function insertMissing(queryRunner: QueryRunner, table: string, key: string, rows: Record<string, string>[]): Promise<void> {
  const present: Record<string, string>[] = await queryRunner.query(`SELECT ${key} FROM ${table}`);
  const have = new Set(present.map((row) => row[key]));
  for (const row of rows.filter((candidate) => !have.has(candidate[key]!))) {
    const columns = Object.keys(row);
    await queryRunner.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`, Object.values(row));
  }
}

const APPEND_ONLY_OPERATIONS = ["UPDATE", "DELETE"];

/** A trigger through which the database refuses `op` on `table` (when `condition` holds, if given). */
async function refusingTrigger(queryRunner: QueryRunner, table: string, op: string, name: string, message: string, condition?: string): Promise<void> {
  if (await hasTrigger(queryRunner, name)) return;
  const signal = `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${message}'`;
  await queryRunner.query(isMysql(queryRunner)
    ? `CREATE TRIGGER ${name} BEFORE ${op} ON ${table} FOR EACH ROW ${condition ? `BEGIN IF ${condition} THEN ${signal}; END IF; END` : signal}`
    : `CREATE TRIGGER ${name} BEFORE ${op} ON ${table}${condition ? ` WHEN ${condition}` : ""} BEGIN SELECT RAISE(ABORT, '${message}'); END`);
}

/** Triggers through which the database itself refuses UPDATE and DELETE on `table`, whoever connects. */
export async function makeAppendOnly(queryRunner: QueryRunner, table: string): Promise<void> {
  for (const op of APPEND_ONLY_OPERATIONS) await refusingTrigger(queryRunner, table, op, `${table}_no_${op.toLowerCase()}`, `${table} is append-only`);
}

/**
 * Like makeAppendOnly, except that an UPDATE may append to `column`: one that keeps the `keys` and
 * the column's old text as the start of the new one is let through.
 */
export async function makeGrowOnly(queryRunner: QueryRunner, table: string, keys: string[], column: string): Promise<void> {
  await refusingTrigger(queryRunner, table, "DELETE", `${table}_no_delete`, `${table} is append-only`);
  const [old, next] = [`OLD.${column}`, `NEW.${column}`];
  const rewritten = isMysql(queryRunner)
    ? `CHAR_LENGTH(${next}) < CHAR_LENGTH(${old}) OR CAST(LEFT(${next}, CHAR_LENGTH(${old})) AS BINARY) <> CAST(${old} AS BINARY)`
    : `length(${next}) < length(${old}) OR substr(${next}, 1, length(${old})) <> ${old}`;
  const condition = [...keys.map((key) => `NEW.${key} <> OLD.${key}`), rewritten].join(" OR ");
  await refusingTrigger(queryRunner, table, "UPDATE", `${table}_grow_only`, `${table} is append-only: a row may only grow`, condition);
}

/**
 * Triggers through which the database refuses any DELETE on `table`, and any UPDATE but the one that
 * sets `column` where it was NULL and leaves the `kept` columns as they were.
 */
export async function makeSetOnce(queryRunner: QueryRunner, table: string, column: string, kept: string[]): Promise<void> {
  await refusingTrigger(queryRunner, table, "DELETE", `${table}_no_delete`, `${table} is append-only`);
  const differs = (name: string) => (isMysql(queryRunner) ? `CAST(NEW.${name} AS BINARY) <> CAST(OLD.${name} AS BINARY)` : `NEW.${name} <> OLD.${name}`);
  const condition = [`OLD.${column} IS NOT NULL`, `NEW.${column} IS NULL`, ...kept.map(differs)].join(" OR ");
  await refusingTrigger(queryRunner, table, "UPDATE", `${table}_set_once`, `${table} is append-only: only ${column} may be set, once`, condition);
}

async function dropTriggers(queryRunner: QueryRunner, names: string[]): Promise<void> {
  for (const name of names) await queryRunner.query(`DROP TRIGGER IF EXISTS ${name}`);
}

export const dropAppendOnly = (queryRunner: QueryRunner, table: string) => dropTriggers(queryRunner, APPEND_ONLY_OPERATIONS.map((op) => `${table}_no_${op.toLowerCase()}`));
export const dropGrowOnly = (queryRunner: QueryRunner, table: string) => dropTriggers(queryRunner, [`${table}_no_delete`, `${table}_grow_only`]);
export const dropSetOnce = (queryRunner: QueryRunner, table: string) => dropTriggers(queryRunner, [`${table}_no_delete`, `${table}_set_once`]);

/**
 * MySQL only: gives a text column a larger type (MEDIUMTEXT, say) unless it already has it, keeping
 * its character set, collation and nullability. SQLite's TEXT has no size limit, so there it does nothing.
 */
export async function setMysqlTextTypeIfDifferent(queryRunner: QueryRunner, table: string, column: string, type: "text" | "mediumtext", nullable: boolean): Promise<void> {
  if (!isMysql(queryRunner)) return;
  const rows: { DATA_TYPE: string }[] = await queryRunner.query(
    "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?", [table, column]);
  if (rows[0]?.DATA_TYPE?.toLowerCase() === type) return;
  await queryRunner.query(`ALTER TABLE ${table} MODIFY ${column} ${type.toUpperCase()} CHARACTER SET ${CHARSET} COLLATE ${COLLATION} ${nullable ? "NULL" : "NOT NULL"}`);
}
