import type { Request, RequestHandler } from "express";
import type { EntityManager } from "typeorm";
import type { AppDeps } from "../app-deps";
import { auditInput, type AuditFacts } from "../audit/audit-log";
import { AppError, problems } from "../http/problem";
import { routeTemplate } from "../http/route-template";
import { dealerActorRefusal } from "../dealers/dealer-queries";
import type { Denial } from "../policy/decide-access";
import { VALID_PURPOSES_HINT } from "../purposes/policy-purposes";

type OutcomeFacts = Omit<AuditFacts, "action" | "decision" | "status">;

/** What a dealer request comes to: a body to send (200 unless `status` says otherwise), or a problem; either way, what the audit log records. */
export type Outcome = { body: unknown; status?: number; headers?: Record<string, string>; facts: OutcomeFacts } | { problem: AppError; facts: OutcomeFacts };

/**
 * The problem a dealer sees for a denial. Every customer-level reason gets the very same 404, so the
 * response never tells "unknown" from "not consented" (contract 1.3); only the audit log knows.
 */
export function denialProblem(denial: Denial): AppError {
  switch (denial.status) {
    case 400:
      return problems.invalidPurpose(`${VALID_PURPOSES_HINT}. Name it in the purpose query parameter.`);
    case 401:
      return problems.unauthorized();
    case 403:
      if (denial.reason === "write_not_granted") return problems.writeNotGranted();
      return denial.reason === "transfer_safeguard_missing" ? problems.transferSafeguardMissing() : problems.purposeNotGranted();
    case 404:
      return problems.notFound();
  }
}

/**
 * When input was refused before the decision ran and authentication left the credential to the
 * decision (`authenticateDealerToken`), the credential and dealer are read now: a revoked credential
 * or a suspended dealer gets its 401 first, as it would have at authentication.
 */
async function credentialOutcome(deps: Pick<AppDeps, "dataSource">, req: Request): Promise<Outcome | undefined> {
  const actor = req.ctx.actor;
  if (actor?.type !== "dealer") return undefined;
  const refusal = await dealerActorRefusal(deps.dataSource, actor);
  return refusal ? { problem: problems.unauthorized(), facts: { reason: refusal.reason } } : undefined;
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
        outcome = (await credentialOutcome(deps, req)) ?? { problem: error, facts: { reason: error.code } };
      }
      const status = "problem" in outcome ? outcome.problem.status : (outcome.status ?? 200);
      // A refused token is audited alike wherever it was caught: in authentication or by the decision.
      const facts = status === 401 ? { ...outcome.facts, action: "auth.bearer", detail: { route: routeTemplate(req), ...outcome.facts.detail } } : outcome.facts;
      await deps.audit.record(auditInput(req, { action, decision: status < 400 ? "allow" : "deny", status, ...facts }), manager);
      return outcome;
    };
    const outcome = options.transaction ? await deps.dataSource.transaction(run) : await run(deps.dataSource.manager);
    if ("problem" in outcome) throw outcome.problem;
    res.setHeader("Cache-Control", "no-store");
    for (const [name, value] of Object.entries(outcome.headers ?? {})) res.setHeader(name, value);
    res.status(outcome.status ?? 200).json(outcome.body);
  };
}
