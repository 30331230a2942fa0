import { randomUUID } from "node:crypto";
import type { DataSource, QueryRunner } from "typeorm";
import { codeOf, isLostConflict } from "./db-errors";
import { isMysql } from "./dialect";
import { acquireFileLock, sqliteFile, type ReleaseLock } from "./sqlite-file-lock";

/**
 * The lock rows: one per lock name, claimed by an owner until its lease ends. The table lives in the
 * gateway's database, so two databases on one server never share a lock. It is not an entity: the
 * migrate path creates it before any migration runs, and a migration creates it too for a runtime
 * user without the CREATE privilege.
 */
export const CREATE_LOCK_TABLE = `CREATE TABLE IF NOT EXISTS gateway_locks (
  name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  owner CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  lease_until DATETIME(3) NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARACTER SET ascii COLLATE ascii_bin`;

/** A holder renews its lease every third of it; a holder that died leaves the lock free after at most this long. */
export const LOCK_LEASE_MS = 30_000;
const RETRY_MS = 250;

const turns = new WeakMap<DataSource, Map<string, Promise<unknown>>>();
const prepared = new WeakMap<DataSource, Map<string, Promise<void>>>();

/** In this process, runs of the same name take turns. */
function inTurn<T>(dataSource: DataSource, name: string, work: () => Promise<T>): Promise<T> {
  const byName = turns.get(dataSource) ?? new Map<string, Promise<unknown>>();
  turns.set(dataSource, byName);
  const run = (byName.get(name) ?? Promise.resolve()).catch(() => undefined).then(work);
  byName.set(name, run);
  return run;
}

/** Creates the table (when it is missing) and the lock's row, once per process. */
function prepareLock(dataSource: DataSource, name: string): Promise<void> {
  const byName = prepared.get(dataSource) ?? new Map<string, Promise<void>>();
  prepared.set(dataSource, byName);
  let ready = byName.get(name);
  if (!ready) {
    ready = (async () => {
      // Looked up first: a user without CREATE may not even run CREATE TABLE IF NOT EXISTS.
      const tables: unknown[] = await dataSource.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'gateway_locks'");
      if (tables.length === 0) await dataSource.query(CREATE_LOCK_TABLE);
      await dataSource.query("INSERT IGNORE INTO gateway_locks (name) VALUES (?)", [name]).catch((error: unknown) => {
        // Another node inserted the same row at the same moment, and its insert won.
        if (!isLostConflict(error)) throw error;
      });
    })();
    ready.catch(() => byName.delete(name));
    byName.set(name, ready);
  }
  return ready;
}

/**
 * One autocommitted conditional UPDATE: on a Galera cluster row locks and GET_LOCK stay on the node
 * that takes them, but a committed write is seen by every node, and of two claims that race on
 * different nodes certification lets only one commit. Lease times are the database's clock.
 */
async function claim(dataSource: DataSource, name: string, owner: string, leaseMs: number): Promise<boolean> {
  try {
    const result: { affectedRows?: number } = await dataSource.query(
      "UPDATE gateway_locks SET owner = ?, lease_until = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND WHERE name = ? AND (owner IS NULL OR lease_until < UTC_TIMESTAMP(3))",
      [owner, leaseMs * 1000, name],
    );
    return result.affectedRows === 1;
  } catch (error) {
    if (isLostConflict(error)) return false;
    throw error;
  }
}

async function acquire(dataSource: DataSource, name: string, owner: string, waitSeconds: number, leaseMs: number): Promise<boolean> {
  await prepareLock(dataSource, name);
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const claimed = await claim(dataSource, name, owner, leaseMs).catch(async (error: unknown) => {
      // Reverting every migration drops the table: it is created again.
      if (codeOf(error) !== "ER_NO_SUCH_TABLE") throw error;
      prepared.get(dataSource)?.delete(name);
      await prepareLock(dataSource, name);
      return claim(dataSource, name, owner, leaseMs);
    });
    if (claimed) return true;
    if (Date.now() + RETRY_MS > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/** Extends the lease while the work runs; a failed renewal is retried on the next beat, within the lease. */
function keepRenewing(dataSource: DataSource, name: string, owner: string, leaseMs: number): () => void {
  const timer = setInterval(() => {
    void dataSource
      .query("UPDATE gateway_locks SET lease_until = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND WHERE name = ? AND owner = ?", [leaseMs * 1000, name, owner])
      .catch(() => undefined);
  }, Math.max(100, Math.floor(leaseMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

export type LockOutcome<T> = { acquired: true; result: T } | { acquired: false };

export interface LockOptions {
  /** How long the lock outlives a holder that stops renewing it (a crash); default LOCK_LEASE_MS. */
  leaseMs?: number;
}

/**
 * Takes the lock on MySQL (a lock row, renewed while held) or on a SQLite file (a file lock beside it);
 * undefined when another process kept it for the whole wait.
 */
async function takeLock(dataSource: DataSource, name: string, waitSeconds: number, leaseMs: number): Promise<ReleaseLock | undefined> {
  if (!isMysql(dataSource)) {
    const file = sqliteFile(dataSource);
    return file ? acquireFileLock(file, name, waitSeconds, RETRY_MS) : async () => undefined;
  }
  const owner = randomUUID();
  if (!(await acquire(dataSource, name, owner, waitSeconds, leaseMs))) return undefined;
  const stopRenewing = keepRenewing(dataSource, name, owner, leaseMs);
  return async () => {
    stopRenewing();
    await dataSource.query("UPDATE gateway_locks SET owner = NULL, lease_until = NULL WHERE name = ? AND owner = ?", [name, owner]).catch(() => undefined);
  };
}

/**
 * Runs `work` while this process holds the database-wide lock `name`, so that one process at a time
 * migrates, integrates the audit log or runs retention: on one MySQL server, across the nodes of a
 * Galera cluster, or among the processes sharing one SQLite file. Waits up to `waitSeconds` for
 * another holder (0: gives up at once).
 */
export function withDatabaseLock<T>(
  dataSource: DataSource, name: string, waitSeconds: number, work: (runner: QueryRunner) => Promise<T>, options: LockOptions = {},
): Promise<LockOutcome<T>> {
  return inTurn(dataSource, name, async () => {
    const release = await takeLock(dataSource, name, waitSeconds, options.leaseMs ?? LOCK_LEASE_MS);
    if (!release) return { acquired: false };
    const runner = dataSource.createQueryRunner();
    try {
      return { acquired: true, result: await work(runner) };
    } finally {
      await runner.release();
      await release();
    }
  });
}
