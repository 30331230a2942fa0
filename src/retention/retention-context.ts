import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import type { AuditInput, AuditLog } from "../audit/audit-log";

export interface RetentionDeps {
  dataSource: DataSource;
  audit: AuditLog;
  /** Policy P9: years without activity after which a customer is erased. */
  retentionYears: number;
  /** Whom the audit log names: "system:retention" when the gateway runs it, "cli:<user>" from the command line. */
  actorId?: string;
}

export const RETENTION_ACTOR = "system:retention";

/** One run's audit identity: every event of the run carries its id, so the run reads as one unit in the log. */
export interface RunContext {
  runId: string;
  actorId: string;
  now: Date;
}

export function runContext(deps: RetentionDeps, now: Date): RunContext {
  return { runId: `retention-${randomUUID()}`, actorId: deps.actorId ?? RETENTION_ACTOR, now };
}

export function retentionEvent(run: RunContext, facts: Omit<AuditInput, "actorType" | "actorId" | "requestId" | "ip" | "decision" | "status">): AuditInput {
  return { ...facts, actorType: "system", actorId: run.actorId, decision: "allow", status: 200, requestId: run.runId, ip: "local" };
}

/** The instant `years` calendar years before `now`. */
export function yearsBefore(now: Date, years: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}
