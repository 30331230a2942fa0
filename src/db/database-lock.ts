import type { DataSource, QueryRunner } from "typeorm";
import { isMysql } from "./dialect";

/**
 * MySQL's named locks are server-wide: the name carries a digest of the database's name, so gateways of
 * two databases on one server (staging and production, parallel test runs) do not keep each other out.
 */
export const SCOPED_NAME = "CONCAT('dgw_', ?, '_', LEFT(SHA1(DATABASE()), 32))";

const turns = new WeakMap<DataSource, Map<string, Promise<unknown>>>();

/** In this process, runs of the same name take turns. */
function inTurn<T>(dataSource: DataSource, name: string, work: () => Promise<T>): Promise<T> {
  const byName = turns.get(dataSource) ?? new Map<string, Promise<unknown>>();
  turns.set(dataSource, byName);
  const run = (byName.get(name) ?? Promise.resolve()).catch(() => undefined).then(work);
  byName.set(name, run);
  return run;
}

/**
 * Tries for up to one second per statement, so that no single statement outlasts the per-query
 * timeout while another process holds the lock.
 */
async function acquire(runner: QueryRunner, name: string, waitSeconds: number): Promise<boolean> {
  const deadline = Date.now() + waitSeconds * 1000;
  do {
    const rows: { acquired: number | string | null }[] = await runner.query(`SELECT GET_LOCK(${SCOPED_NAME}, ?) AS acquired`, [name, waitSeconds > 0 ? 1 : 0]);
    if (Number(rows[0]?.acquired) === 1) return true;
  } while (Date.now() < deadline);
  return false;
}

export type LockOutcome<T> = { acquired: true; result: T } | { acquired: false };

/**
 * Runs `work` while this process holds the database-wide lock `name`, so that one process at a time
 * migrates, seals or runs retention. SQLite has one writer process, so there the in-process turn is enough.
 * The runner given to `work` is the connection holding the lock.
 */
export function withDatabaseLock<T>(dataSource: DataSource, name: string, waitSeconds: number, work: (runner: QueryRunner) => Promise<T>): Promise<LockOutcome<T>> {
  return inTurn(dataSource, name, async () => {
    const runner = dataSource.createQueryRunner();
    try {
      const mysql = isMysql(dataSource);
      if (mysql && !(await acquire(runner, name, waitSeconds))) return { acquired: false };
      try {
        return { acquired: true, result: await work(runner) };
      } finally {
        if (mysql) await runner.query(`SELECT RELEASE_LOCK(${SCOPED_NAME})`, [name]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  });
}
