import type { Request, RequestHandler } from "express";
import type { EntityManager } from "typeorm";
import type { AppDeps } from "../app-deps";
import { auditInput, type AuditFacts } from "../audit/audit-log";
import { AppError, problems } from "../http/problem";
import type { Denial } from "../policy/decide-access";

type OutcomeFacts = Omit<AuditFacts, "action" | "decision" | "status">;

/** What a dealer request comes to: a body to send, or a problem; either way, what the audit log records. */
export type Outcome = { body: unknown; facts: OutcomeFacts } | { problem: AppError; facts: OutcomeFacts };

/**
 * The problem a dealer sees for a denial. Every customer-level reason gets the very same 404, so the
 * response never tells "unknown" from "not consented" (contract 1.3); only the audit log knows.
 */
export function denialProblem(denial: Denial): AppError {
  switch (denial.status) {
    case 400:
      return problems.invalidPurpose("Name one of the purposes of GET /v1/purposes in the purpose query parameter");
    case 401:
      return problems.unauthorized();
    case 403:
      return denial.reason === "transfer_safeguard_missing" ? problems.transferSafeguardMissing() : problems.purposeNotGranted();
    case 404:
      return problems.notFound();
  }
}

/**
 * Runs a dealer request and writes its audit event, with the real reason, BEFORE anything is sent.
 * Bad input (a 4xx thrown while parsing) is audited as a refusal too. When the audit write fails the
 * rejection propagates as a 503 and the prepared body is dropped (fail-closed, contract 1.4); with
 * `transaction`, whatever the request wrote is rolled back with it.
 */
export function auditedRoute(
  deps: Pick<AppDeps, "audit" | "dataSource">,
  action: string,
  handle: (req: Request, manager: EntityManager) => Promise<Outcome>,
  options: { transaction?: boolean } = {},
): RequestHandler {
  return async (req, res) => {
    const run = async (manager: EntityManager): Promise<Outcome> => {
      let outcome: Outcome;
      try {
        outcome = await handle(req, manager);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        outcome = { problem: error, facts: { reason: error.code } };
      }
      const status = "problem" in outcome ? outcome.problem.status : 200;
      await deps.audit.record(auditInput(req, { action, decision: status < 400 ? "allow" : "deny", status, ...outcome.facts }), manager);
      return outcome;
    };
    const outcome = options.transaction ? await deps.dataSource.transaction(run) : await run(deps.dataSource.manager);
    if ("problem" in outcome) throw outcome.problem;
    res.setHeader("Cache-Control", "no-store");
    res.status(200).json(outcome.body);
  };
}
