import type mysql from "mysql2/promise";
import { CREATE_LOCK_TABLE } from "../../src/db/database-lock";

/** Takes a gateway database lock through a connection of its own, as another process would; returns its release. */
export async function holdLock(connection: mysql.Connection, name: string): Promise<() => Promise<void>> {
  await connection.query(CREATE_LOCK_TABLE);
  await connection.query("INSERT IGNORE INTO gateway_locks (name) VALUES (?)", [name]);
  const [result] = await connection.query<mysql.ResultSetHeader>(
    "UPDATE gateway_locks SET owner = 'another-process', lease_until = UTC_TIMESTAMP(3) + INTERVAL 1 HOUR WHERE name = ? AND (owner IS NULL OR lease_until < UTC_TIMESTAMP(3))",
    [name],
  );
  if (result.affectedRows !== 1) throw new Error(`the lock ${name} is taken already`);
  return async () => {
    await connection.query("UPDATE gateway_locks SET owner = NULL, lease_until = NULL WHERE name = ? AND owner = 'another-process'", [name]);
  };
}
