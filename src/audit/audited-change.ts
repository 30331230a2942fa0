import type { Request } from "express";
import type { EntityManager } from "typeorm";
import type { AppDeps } from "../app-deps";
import { auditInput, type AuditFacts } from "./audit-log";

/**
 * Runs an admin change and its audit event in one transaction: if the event cannot be written the
 * change is rolled back and the caller gets 503, so no change goes unrecorded.
 */
export async function auditedChange<T>(
  deps: Pick<AppDeps, "dataSource" | "audit">,
  req: Request,
  work: (manager: EntityManager) => Promise<T>,
  facts: (result: T) => Omit<AuditFacts, "decision" | "status"> & { status?: number },
): Promise<T> {
  return deps.dataSource.transaction(async (manager) => {
    const result = await work(manager);
    await deps.audit.record(auditInput(req, { decision: "allow", status: 200, ...facts(result) }), manager);
    return result;
  });
}
