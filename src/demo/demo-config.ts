import fs from "node:fs";
import path from "node:path";
import { loadConfig, type Config } from "../config";
import { MIN_DEMO_CUSTOMERS } from "./seed-demo";

export const DEMO_ADMIN_PASSWORD = "demo-admin-password";

export interface DemoSettings {
  config: Config;
  databaseFile: string;
  customers: number;
  exitAfterSeed: boolean;
  adminPasswordFromEnv: boolean;
  /** Days of dealer activity seeded before today (DEMO_HISTORY_DAYS, default 35; 0 seeds everything now). */
  historyDays: number;
}

/**
 * The demo always runs on its own embedded SQLite file, whatever DATABASE_URL says, so it can never
 * touch a real database. PORT, DATA_DIR, GATEWAY_ADMIN_PASSWORD and LOG_LEVEL are read as usual, plus
 * DEMO_CUSTOMERS (how many customers to seed), DEMO_HISTORY_DAYS (how many days of dealer activity lead
 * up to today) and DEMO_EXIT_AFTER_SEED=1 (seed, print, stop).
 */
export function demoSettings(env: NodeJS.ProcessEnv = process.env): DemoSettings {
  const dataDir = env.DATA_DIR ?? "./data";
  const databaseFile = path.join(dataDir, "demo.sqlite");
  const customers = Number(env.DEMO_CUSTOMERS ?? 1000);
  if (!Number.isInteger(customers) || customers < MIN_DEMO_CUSTOMERS || customers > 100_000) {
    throw new Error(`DEMO_CUSTOMERS must be a whole number between ${MIN_DEMO_CUSTOMERS} and 100000`);
  }
  const historyDays = Number(env.DEMO_HISTORY_DAYS ?? 35);
  if (!Number.isInteger(historyDays) || historyDays < 0 || historyDays > 365) throw new Error("DEMO_HISTORY_DAYS must be a whole number between 0 and 365");
  const config = loadConfig({
    ...env,
    DATA_DIR: dataDir,
    DATABASE_URL: `sqlite:${databaseFile}`,
    GATEWAY_ADMIN_PASSWORD: env.GATEWAY_ADMIN_PASSWORD || DEMO_ADMIN_PASSWORD,
    // Request logs would drown the printed walkthrough.
    LOG_LEVEL: env.LOG_LEVEL ?? "warn",
  });
  return { config, databaseFile, customers, exitAfterSeed: env.DEMO_EXIT_AFTER_SEED === "1", adminPasswordFromEnv: Boolean(env.GATEWAY_ADMIN_PASSWORD), historyDays };
}

/** Deletes the previous run's database so every run starts from the same dataset. */
export function removeDatabase(databaseFile: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(databaseFile + suffix, { force: true });
}
