import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";

export type TestDatabaseKind = "sqlite" | "mysql";

export const TEST_DB: TestDatabaseKind = process.env.TEST_DB === "mysql" ? "mysql" : "sqlite";
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/**
 * How a MySQL database is created: with the server's defaults, as an operator would (the default), or
 * with a default character set or collation the gateway must not depend on.
 */
export const DATABASE_VARIANTS = {
  "server defaults": "",
  latin1: "CHARACTER SET latin1",
  utf8mb4_bin: "COLLATE utf8mb4_bin",
  utf8mb4_unicode_520_ci: "COLLATE utf8mb4_unicode_520_ci",
} as const;
export type DatabaseVariant = keyof typeof DATABASE_VARIANTS;

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file: a temporary SQLite file, or a new MySQL schema. */
export async function createTestDatabase(kind: TestDatabaseKind = TEST_DB, variant: DatabaseVariant = "server defaults"): Promise<TestDatabase> {
  const suffix = randomBytes(6).toString("hex");
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-test-"));
    return { url: `sqlite:${path.join(dir, "gateway.sqlite")}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `gwt_${suffix}`;
  const admin = await mysql.createConnection(TEST_MYSQL_URL);
  await admin.query(`CREATE DATABASE ${name} ${DATABASE_VARIANTS[variant]}`);
  await admin.end();
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const connection = await mysql.createConnection(TEST_MYSQL_URL);
      await connection.query(`DROP DATABASE IF EXISTS ${name}`);
      await connection.end();
    },
  };
}

export async function mysqlReachable(url = TEST_MYSQL_URL): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}
