import { inTransaction } from "../db/transaction";
import { countIdempotentResultsToPurge, purgeIdempotentResults } from "../dealer-api/idempotency";
import { retentionEvent, type RetentionDeps, type RunContext } from "./retention-context";

/**
 * Contract 4.1: a dealer write's stored result is replayed for 24 hours, then purged here with its
 * audit event. Returns how many were purged (in a dry run: would be).
 */
export async function purgeExpiredIdempotentResults(deps: RetentionDeps, run: RunContext, dryRun: boolean): Promise<number> {
  if (dryRun) return countIdempotentResultsToPurge(deps.dataSource.manager, run.now);
  return inTransaction(deps.dataSource, async (manager) => {
    const purged = await purgeIdempotentResults(manager, run.now);
    if (purged > 0) await deps.audit.record(retentionEvent(run, { action: "idempotency.purge", detail: { runId: run.runId, purged } }), manager);
    return purged;
  });
}
