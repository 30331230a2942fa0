import type { DataSource } from "typeorm";
import { isMysql } from "../db/dialect";
import { announceExpiredConsents, type ExpiredConsent } from "./consent-expiry";
import { eraseInactiveCustomers, type RetainedErasure } from "./customer-retention";
import { runContext, yearsBefore, type RetentionDeps } from "./retention-context";

export type { RetentionDeps } from "./retention-context";

export interface RetentionReport {
  runId: string;
  ranAt: string;
  dryRun: boolean;
  /** True when another process was running retention on this database, so this run did nothing. */
  skipped: boolean;
  retentionYears: number;
  /** Customers without activity since this instant are due. */
  cutoff: string;
  /** Expired consent purposes announced to their dealer (in a dry run: that would be). */
  expiredConsents: ExpiredConsent[];
  /** Customers erased (in a dry run: that would be). */
  erased: RetainedErasure[];
  /** Due, but restricted: left for an admin to decide. */
  keptRestricted: string[];
}

/**
 * MySQL's named locks are server-wide: the name carries a digest of the database's name, so gateways of
 * two databases on one server (staging and production, or parallel test runs) do not keep each other out.
 */
const LOCK_NAME_SQL = "CONCAT('dealer_gateway_retention_', LEFT(SHA1(DATABASE()), 32))";
const running = new WeakMap<DataSource, Promise<unknown>>();

/**
 * One run at a time per database: other processes are kept out by a MySQL named lock (a busy lock skips
 * the run), runs in this process wait for one another. Each step is idempotent anyway.
 */
async function exclusively<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T | undefined> {
  const before = running.get(dataSource) ?? Promise.resolve();
  const run = before.catch(() => undefined).then(async () => {
    if (!isMysql(dataSource)) return work();
    const runner = dataSource.createQueryRunner();
    try {
      const rows: { acquired: number | string | null }[] = await runner.query(`SELECT GET_LOCK(${LOCK_NAME_SQL}, 0) AS acquired`);
      if (Number(rows[0]?.acquired) !== 1) return undefined;
      try {
        return await work();
      } finally {
        await runner.query(`SELECT RELEASE_LOCK(${LOCK_NAME_SQL})`).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  });
  running.set(dataSource, run);
  return run;
}

/**
 * Policy P9, retention: announces each consent purpose past its expiry to its dealer (`consent.expired`,
 * once), then erases to an anonymous tombstone every active customer whose last purchase, contract or
 * consent activity is older than `retentionYears` and who holds no live consent, as the admin erase does
 * (dealers the customer consented to get `customer.erased`). Every action is audited, in the transaction
 * that makes it. A dry run reports what would happen and changes nothing.
 */
export async function runRetention(deps: RetentionDeps, now: Date, options: { dryRun?: boolean } = {}): Promise<RetentionReport> {
  const dryRun = options.dryRun ?? false;
  const run = runContext(deps, now);
  const cutoff = yearsBefore(now, deps.retentionYears).toISOString();
  const base = { runId: run.runId, ranAt: now.toISOString(), dryRun, retentionYears: deps.retentionYears, cutoff };
  const work = async (): Promise<RetentionReport> => {
    const expiredConsents = await announceExpiredConsents(deps, run, dryRun);
    const { erased, keptRestricted } = await eraseInactiveCustomers(deps, run, cutoff, dryRun);
    return { ...base, skipped: false, expiredConsents, erased, keptRestricted };
  };
  const report = dryRun ? await work() : await exclusively(deps.dataSource, work);
  return report ?? { ...base, skipped: true, expiredConsents: [], erased: [], keptRestricted: [] };
}
