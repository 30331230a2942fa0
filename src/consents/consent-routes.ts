import type { Request, Router } from "express";
import { z } from "zod";
import type { Role } from "../admin-users/admin-user.entity";
import type { AppDeps } from "../app-deps";
import { auditInput } from "../audit/audit-log";
import { auditedChange } from "../audit/audited-change";
import { securedRouter } from "../auth/secured-router";
import { idParam } from "../http/params";
import { problems } from "../http/problem";
import { adminActor } from "../http/request-context";
import { instant } from "../http/dates";
import { parse } from "../http/validate";
import { liveGrantPurposes } from "../dealers/dealer-queries";
import { listPurposes } from "../purposes/purpose-queries";
import { CONSENT_CHANNELS } from "./consent.entity";
import { listCustomerConsents, loadConsentView } from "./consent-queries";
import { recordConsent, withdrawConsent } from "./consent-writes";

const purposeList = z.array(z.string().min(1).max(64)).min(1).max(16)
  .refine((list) => new Set(list).size === list.length, "must not repeat a purpose");

export const recordSchema = z.strictObject({
  dealerId: z.uuid().transform((id) => id.toLowerCase()),
  purposes: purposeList,
  channel: z.enum(CONSENT_CHANNELS),
  evidenceRef: z.string().trim().min(1).max(255),
  policyVersion: z.string().trim().min(1).max(64),
  expiresAt: instant.nullable().optional(),
});

export const noQuery = z.strictObject({});
export const consentDefaultsSchema = z.strictObject({
  policyVersion: z.string().nullable().describe("PRIVACY_POLICY_VERSION: the policy consents are collected under now; null when not configured"),
});

export const withdrawSchema = z.strictObject({
  purposes: purposeList.optional(),
  reason: z.string().trim().min(1).max(500).optional(),
});

async function assertKnownPurposes(deps: AppDeps, purposes: string[]): Promise<void> {
  const known = new Set((await listPurposes(deps.dataSource)).map((purpose) => purpose.id));
  const unknown = purposes.filter((purpose) => !known.has(purpose));
  if (unknown.length > 0) throw problems.invalidPurpose(`Unknown purposes: ${unknown.join(", ")}`);
}

/** An expiry must lie ahead of now; stored as a UTC ISO-8601 string like every other timestamp. */
function futureExpiry(raw: string | null | undefined, now: Date): string | null {
  if (raw === undefined || raw === null) return null;
  const expiresAt = new Date(raw);
  if (expiresAt.getTime() <= now.getTime()) throw problems.validation("expiresAt must be in the future", [{ path: "expiresAt", message: "must be in the future" }]);
  return expiresAt.toISOString();
}

function consentActor(req: Request): { type: "admin"; id: string } {
  return { type: "admin", id: adminActor(req).id };
}

/** Consents in the admin API (contract section 5): `crm_admin` only. */
export function consentRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  const CRM_ADMIN: [Role] = ["crm_admin"];

  routes.post("/v1/admin/customers/:id/consents", CRM_ADMIN, async (req, res) => {
    const customerId = idParam(req);
    const body = parse(recordSchema, req.body);
    await assertKnownPurposes(deps, body.purposes);
    const now = deps.clock();
    const input = { ...body, customerId, expiresAt: futureExpiry(body.expiresAt, now) };
    // A consent may be collected before the dealer's grant is in place; access stays denied until both exist.
    // The warning is kept in the audit event, where a compliance officer looks for it.
    const granted = new Set((await liveGrantPurposes(deps.dataSource, body.dealerId, now)).map((grant) => grant.purpose));
    const ungranted = body.purposes.filter((purpose) => !granted.has(purpose)).sort();
    const { view } = await auditedChange(deps, req, async (manager) => {
      const { consent, superseded } = await recordConsent(manager, input, consentActor(req), now);
      return { view: await loadConsentView(manager, consent.id, now), superseded };
    }, ({ view, superseded }) => ({
      action: "consent.record", status: 201, customerId, consentId: view.id, dealerId: view.dealerId,
      detail: {
        purposes: view.purposes, channel: view.channel, expiresAt: view.expiresAt, ...(superseded.length > 0 ? { supersededConsentIds: superseded } : {}),
        ...(ungranted.length > 0 ? { ungrantedPurposes: ungranted } : {}),
      },
    }));
    res.status(201).location(`/v1/admin/consents/${view.id}`).json(view);
  });

  routes.get("/v1/admin/consent-defaults", CRM_ADMIN, async (req, res) => {
    parse(noQuery, req.query, "query");
    res.json({ policyVersion: deps.config.PRIVACY_POLICY_VERSION ?? null });
  });

  routes.get("/v1/admin/customers/:id/consents", CRM_ADMIN, async (req, res) => {
    const customerId = idParam(req);
    const items = await listCustomerConsents(deps.dataSource.manager, customerId, deps.clock());
    await deps.audit.record(auditInput(req, { action: "consent.view", decision: "allow", status: 200, customerId, detail: { count: items.length } }));
    res.json({ items });
  });

  routes.get("/v1/admin/consents/:id", CRM_ADMIN, async (req, res) => {
    const view = await loadConsentView(deps.dataSource.manager, idParam(req), deps.clock());
    await deps.audit.record(auditInput(req, { action: "consent.view", decision: "allow", status: 200, customerId: view.customerId, consentId: view.id, dealerId: view.dealerId }));
    res.json(view);
  });

  routes.post("/v1/admin/consents/:id/withdraw", CRM_ADMIN, async (req, res) => {
    const consentId = idParam(req);
    const body = parse(withdrawSchema, req.body ?? {});
    const now = deps.clock();
    const { view } = await auditedChange(deps, req, async (manager) => {
      const withdrawal = await withdrawConsent(manager, consentId, body, consentActor(req), now);
      return { ...withdrawal, view: await loadConsentView(manager, consentId, now) };
    }, ({ consent, withdrawn, alreadyWithdrawn }) => ({
      action: "consent.withdraw", customerId: consent.customerId, consentId, dealerId: consent.dealerId,
      detail: { purposes: withdrawn, alreadyWithdrawn, reasonGiven: body.reason !== undefined },
    }));
    res.json(view);
  });

  return routes.router;
}
