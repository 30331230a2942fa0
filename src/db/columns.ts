import type { EntitySchemaColumnOptions } from "typeorm";

/** Every text column's character set and collation on MySQL/MariaDB, whatever the database's defaults are. */
export const CHARSET = "utf8mb4";
export const COLLATION = "utf8mb4_unicode_ci";
/** Letter case and accents count, as they do on SQLite. */
export const EXACT_COLLATION = "utf8mb4_bin";

/** Column builders shared by the entity schemas; they mirror the migrations' column shapes. */
export const column = {
  id: (): EntitySchemaColumnOptions => ({ type: "varchar", length: 36, primary: true }),
  ref: (name: string, nullable = false): EntitySchemaColumnOptions => ({ name, type: "varchar", length: 36, nullable }),
  str: (name: string, length: number, nullable = false): EntitySchemaColumnOptions => ({ name, type: "varchar", length, nullable }),
  text: (name: string, nullable = false): EntitySchemaColumnOptions => ({ name, type: "text", nullable }),
  at: (name: string, nullable = false): EntitySchemaColumnOptions => ({ name, type: "varchar", length: 24, nullable }),
  /** JSON kept in a text column, parsed on read. */
  json: (name: string, nullable = false): EntitySchemaColumnOptions => ({
    name, type: "text", nullable,
    transformer: {
      to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
      from: (value: string | null) => (value === null ? null : JSON.parse(value)),
    },
  }),
  /** A boolean kept as 0 or 1 in an int column, the same on both engines. */
  flag: (name: string): EntitySchemaColumnOptions => ({
    name, type: "integer", default: 0,
    transformer: { to: (value: unknown) => (value ? 1 : 0), from: (value: number | string | null) => Number(value) === 1 },
  }),
  seq: (): EntitySchemaColumnOptions => ({ name: "seq", type: "bigint", primary: true, generated: "increment" }),
};
