import type { Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../app-deps";
import { auditInput } from "../audit/audit-log";
import { securedRouter } from "../auth/secured-router";
import { loadAccessInputs, requestedPurpose } from "../dealer-api/access-inputs";
import { parse } from "../http/validate";
import { decideAccess } from "./decide-access";

export const accessCheckBody = z.strictObject({ dealerId: z.uuid(), customerId: z.uuid(), purpose: z.string().min(1).max(64) });

/**
 * `POST /v1/admin/access-check` → `{ allow, reason, fields }`: the decision a dealer request for this
 * customer and purpose would get now, explained. `reason` is "allowed" when allowed, otherwise the
 * deny reason the audit log would record (e.g. "consent_withdrawn"); `fields` are the field names a
 * read would release ([] when denied). It never returns personal data. Token-level checks (credential
 * revocation, the token's scope) belong to a request, not to a dealer, and are not part of it.
 */
export function accessCheckRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);

  routes.post("/v1/admin/access-check", ["crm_admin", "compliance_auditor"], async (req, res) => {
    const body = parse(accessCheckBody, req.body ?? {});
    const dealerId = body.dealerId.toLowerCase();
    const customerId = body.customerId.toLowerCase();
    const purpose = await requestedPurpose(deps, body.purpose);
    const inputs = await loadAccessInputs(deps.dataSource, { dealerId, purposeId: purpose?.id ?? "", customer: { by: "id", value: customerId } });
    const match = inputs.customers.find((entry) => entry.id === customerId);
    const decision = decideAccess({
      now: deps.clock().toISOString(), purpose, ...inputs.dealerSide, customer: match?.customer ?? null, consents: match?.consents ?? [],
    });
    const answer = decision.allow ? { allow: true, reason: "allowed", fields: decision.fields } : { allow: false, reason: decision.reason, fields: [] };
    await deps.audit.record(auditInput(req, {
      // The event's decision is the answer's, so the log never reads "allow" beside a deny reason.
      action: "access.check", decision: answer.allow ? "allow" : "deny", status: 200, dealerId, customerId, purpose: purpose?.id ?? null, reason: answer.reason,
      ...(decision.allow ? { consentId: decision.consentId, grantId: decision.grantId } : {}),
      detail: { allow: answer.allow, fields: answer.fields },
    }));
    res.json(answer);
  });

  return routes.router;
}
