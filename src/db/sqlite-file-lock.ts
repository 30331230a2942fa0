import Database from "better-sqlite3";
import type { DataSource } from "typeorm";
import { codeOf } from "./db-errors";

export type ReleaseLock = () => Promise<void>;

/** The file a data source keeps its data in; undefined for a database in memory, which no other process can open. */
export function sqliteFile(dataSource: DataSource): string | undefined {
  const file = (dataSource.options as { database?: unknown }).database;
  return typeof file === "string" && file !== "" && file !== ":memory:" ? file : undefined;
}

const isBusy = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(codeOf(error) ?? "");

/** Takes the lock if it is free; undefined when another process holds it. */
function tryLock(file: string): ReleaseLock | undefined {
  const db = new Database(file);
  try {
    db.pragma("busy_timeout = 0");
    db.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    db.close();
    if (isBusy(error)) return undefined;
    throw error;
  }
  return async () => {
    db.exec("ROLLBACK");
    db.close();
  };
}

/**
 * The lock `name` across the processes that share one SQLite file: an exclusive transaction held open
 * on a small database of its own beside that file. The operating system drops the file lock under it
 * when the holding process ends, so a crash never leaves the lock taken. Waits up to `waitSeconds`
 * (0: not at all), polling every `retryMs` without blocking the event loop.
 */
export async function acquireFileLock(databaseFile: string, name: string, waitSeconds: number, retryMs: number): Promise<ReleaseLock | undefined> {
  const file = `${databaseFile}-${name}.lock`;
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const release = tryLock(file);
    if (release) return release;
    if (Date.now() + retryMs > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}
