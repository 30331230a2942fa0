import type { EntitySchemaColumnOptions } from "typeorm";

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
  seq: (): EntitySchemaColumnOptions => ({ name: "seq", type: "bigint", primary: true, generated: "increment" }),
};
