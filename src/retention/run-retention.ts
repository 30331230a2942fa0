import { withDatabaseLock } from "../db/database-lock";
import { announceExpiredConsents, type ExpiredConsent } from "./consent-expiry";
import { eraseInactiveCustomers, type RetainedErasure } from "./customer-retention";
import { purgeExpiredIdempotentResults } from "./idempotency-purge";
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
  /** Stored results of dealer writes older than their 24-hour replay window, purged (in a dry run: that would be). */
  purgedIdempotentResults: number;
}

/**
 * Policy P9, retention: announces each consent purpose past its expiry to its dealer (`consent.expired`,
 * once), then erases to an anonymous tombstone every active customer whose last purchase, contract or
 * consent activity is older than `retentionYears` and who holds no live consent, as the admin erase does
 * (dealers the customer consented to get `customer.erased`), and purges the stored results of dealer
 * writes past their 24-hour replay window. Every action is audited, in the transaction
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
    const purgedIdempotentResults = await purgeExpiredIdempotentResults(deps, run, dryRun);
    return { ...base, skipped: false, expiredConsents, erased, keptRestricted, purgedIdempotentResults };
  };
  if (dryRun) return work();
  // One run at a time per database; a busy lock skips this run (each step is idempotent anyway).
  const outcome = await withDatabaseLock(deps.dataSource, "retention", 0, work);
  return outcome.acquired ? outcome.result : { ...base, skipped: true, expiredConsents: [], erased: [], keptRestricted: [], purgedIdempotentResults: 0 };
}
