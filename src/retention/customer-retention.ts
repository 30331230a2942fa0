import type { EntityManager } from "typeorm";
import { eraseCustomer } from "../customers/customer-lifecycle";
import { loadCustomer } from "../customers/customer-records";
import { customerActivity, type CustomerActivity, type CustomerRow } from "./customer-activity";
import { retentionEvent, type RetentionDeps, type RunContext } from "./retention-context";

export interface RetainedErasure {
  customerId: string;
  lastActivityAt: string;
  notifiedDealerIds: string[];
}

export interface ErasureOutcome {
  erased: RetainedErasure[];
  /** Past retention but restricted: a restriction may hold data for a legal claim, so it is left to an admin. */
  keptRestricted: string[];
}

const PAGE = 200;

const isDue = (activity: CustomerActivity | undefined, cutoff: string): activity is CustomerActivity =>
  activity !== undefined && !activity.liveConsent && activity.lastActivityAt < cutoff;

/**
 * Customers whose stored last activity is older than the cutoff: only they can be due. A range of the
 * last-activity index, keyset-paged on (last_activity_at, id); erased tombstones have none and never match.
 */
async function candidates(deps: RetentionDeps, cutoff: string, after: CustomerRow | undefined): Promise<CustomerRow[]> {
  const params: unknown[] = [cutoff];
  let sql = "SELECT id, status, profile, last_activity_at FROM customers WHERE last_activity_at < ? AND status <> 'erased'";
  if (after) {
    sql += " AND (last_activity_at > ? OR (last_activity_at = ? AND id > ?))";
    params.push(after.last_activity_at, after.last_activity_at, after.id);
  }
  return deps.dataSource.query(`${sql} ORDER BY last_activity_at, id LIMIT ${PAGE}`, params);
}

/**
 * Erases one customer the way the admin erase does, after checking again under the row lock that it is
 * still due: a consent recorded since the page was read keeps it. Audited in the same transaction.
 */
async function eraseIfDue(manager: EntityManager, deps: RetentionDeps, run: RunContext, id: string, cutoff: string): Promise<RetainedErasure | undefined> {
  const customer = await loadCustomer(manager, id, { forUpdate: true });
  if (customer.status !== "active") return undefined;
  const row: CustomerRow = { id, status: customer.status, profile: customer.profile ? JSON.stringify(customer.profile) : null, last_activity_at: customer.lastActivityAt };
  const activity = (await customerActivity(manager, [row], run.now)).get(id);
  if (!isDue(activity, cutoff)) return undefined;
  const { notifiedDealerIds } = await eraseCustomer(manager, id, { type: "system", id: run.actorId }, run.now);
  await deps.audit.record(retentionEvent(run, {
    action: "retention.erase", customerId: id,
    detail: { lastActivityAt: activity.lastActivityAt, cutoff, retentionYears: deps.retentionYears, notifiedDealerIds },
  }), manager);
  return { customerId: id, lastActivityAt: activity.lastActivityAt, notifiedDealerIds };
}

/** Policy P9: every active customer without activity since the cutoff and without a live consent is erased to a tombstone. */
export async function eraseInactiveCustomers(deps: RetentionDeps, run: RunContext, cutoff: string, dryRun: boolean): Promise<ErasureOutcome> {
  const outcome: ErasureOutcome = { erased: [], keptRestricted: [] };
  let after: CustomerRow | undefined;
  for (;;) {
    const rows = await candidates(deps, cutoff, after);
    const activity = await customerActivity(deps.dataSource.manager, rows, run.now);
    for (const row of rows) {
      const due = activity.get(row.id);
      if (!isDue(due, cutoff)) continue;
      if (row.status === "restricted") {
        outcome.keptRestricted.push(row.id);
        continue;
      }
      if (dryRun) {
        outcome.erased.push({ customerId: row.id, lastActivityAt: due.lastActivityAt, notifiedDealerIds: [] });
        continue;
      }
      const erased = await deps.dataSource.transaction((manager) => eraseIfDue(manager, deps, run, row.id, cutoff));
      if (erased) outcome.erased.push(erased);
    }
    if (rows.length < PAGE) return outcome;
    after = rows[rows.length - 1];
  }
}
