import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../app-deps";
import type { Role } from "../admin-users/admin-user.entity";
import { auditInput } from "../audit/audit-log";
import { auditedChange } from "../audit/audited-change";
import { securedRouter } from "../auth/secured-router";
import { adminActor } from "../http/request-context";
import { idParam } from "../http/params";
import { problems } from "../http/problem";
import { parse } from "../http/validate";
import { importCustomers, parseImport, type ImportResult } from "./customer-import";
import { customerInputSchema, customerPatchSchema, customerSearchSchema } from "./customer-input";
import { eraseCustomer, restrictCustomer, unrestrictCustomer } from "./customer-lifecycle";
import { loadCustomer } from "./customer-records";
import { customerRepresentation } from "./customer-representation";
import { createCustomer, updateCustomer } from "./customer-writes";
import { CustomerEntity } from "./customer.entity";

const CRM_ADMIN: [Role] = ["crm_admin"];
const NDJSON = "application/x-ndjson";
/** The lifecycle actions take no input; an empty JSON object is accepted too. */
export const noBody = z.strictObject({}).optional();
/** The grounds of GDPR Article 18(1) (a) to (d): codes, never free text, so the audit event can keep them. */
export const RESTRICTION_REASONS = ["accuracy_contested", "unlawful_processing", "legal_claims", "objection_pending"] as const;
export const restrictBody = z.strictObject({ reason: z.enum(RESTRICTION_REASONS).optional() }).optional();
/** Above this many, the import's audit event holds counts only. */
const AUDITED_IMPORT_IDS = 50;

/** The audit event of an import, from the API or the CLI: counts, and the ids when they are few. */
export function importAuditFacts(outcome: ImportResult): { action: string; detail: Record<string, unknown> } {
  const idsAreFew = outcome.created.length + outcome.updated.length <= AUDITED_IMPORT_IDS;
  const counts = { created: outcome.created.length, updated: outcome.updated.length, rejected: outcome.rejected.length, total: outcome.total };
  return { action: "customer.import", detail: idsAreFew ? { ...counts, createdIds: outcome.created, updatedIds: outcome.updated } : counts };
}

function requireNdjson(req: Request, _res: Response, next: NextFunction): void {
  const mediaType = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== NDJSON) return next(problems.unsupportedMediaType(`Send the customers as ${NDJSON}, one JSON object per line`));
  next();
}

/** Customers in the admin API (contract section 5): `crm_admin` only; every read of personal data is audited first. */
export function customerRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  const ndjsonBody = express.text({ type: NDJSON, limit: deps.config.IMPORT_BODY_LIMIT });

  routes.post("/v1/admin/customers", CRM_ADMIN, async (req, res) => {
    const input = parse(customerInputSchema, req.body);
    const customer = await auditedChange(deps, req, (manager) => createCustomer(manager, input, deps.clock(), req.ctx.actor!.id),
      (created) => ({ action: "customer.create", status: 201, customerId: created.id }));
    res.status(201).location(`/v1/admin/customers/${customer.id}`).json(customerRepresentation(customer));
  });

  routes.get("/v1/admin/customers", CRM_ADMIN, async (req, res) => {
    const query = parse(customerSearchSchema, req.query, "query");
    const where = query.email !== undefined ? { emailNormalized: query.email.toLowerCase() } : { externalRef: query.externalRef! };
    const found = await deps.dataSource.getRepository(CustomerEntity).find({ where, order: { createdAt: "ASC", id: "ASC" } });
    // MySQL's collation would also match another letter case of the externalRef.
    const items = found.filter((customer) => query.externalRef === undefined || customer.externalRef === query.externalRef);
    const customerIds = items.map((customer) => customer.id);
    await deps.audit.record(auditInput(req, {
      action: "customer.search", decision: "allow", status: 200, customerId: customerIds.length === 1 ? customerIds[0] : null,
      detail: { filter: query.email !== undefined ? "email" : "externalRef", customerIds },
    }));
    res.json({ items: items.map(customerRepresentation) });
  });

  routes.get("/v1/admin/customers/:id", CRM_ADMIN, async (req, res) => {
    const customer = await loadCustomer(deps.dataSource.manager, idParam(req));
    await deps.audit.record(auditInput(req, { action: "customer.view", decision: "allow", status: 200, customerId: customer.id }));
    res.json(customerRepresentation(customer));
  });

  routes.patch("/v1/admin/customers/:id", CRM_ADMIN, async (req, res) => {
    const id = idParam(req);
    const patch = parse(customerPatchSchema, req.body);
    const { customer } = await auditedChange(deps, req, (manager) => updateCustomer(manager, id, patch, deps.clock(), req.ctx.actor!.id),
      (update) => ({ action: "customer.update", customerId: id, fields: update.changedFields }));
    res.json(customerRepresentation(customer));
  });

  routes.post("/v1/admin/customers/import", CRM_ADMIN, requireNdjson, ndjsonBody, async (req, res) => {
    if (typeof req.body !== "string") throw problems.validation("The import holds no customer lines", [{ path: "(body)", message: "is empty" }]);
    const parsed = parseImport(req.body);
    const result = await auditedChange(deps, req, (manager) => importCustomers(manager, parsed, deps.clock(), req.ctx.actor!.id), importAuditFacts);
    res.json({ created: result.created.length, updated: result.updated.length, rejected: result.rejected, total: result.total });
  });

  routes.post("/v1/admin/customers/:id/restrict", CRM_ADMIN, async (req, res) => {
    const id = idParam(req);
    const body = parse(restrictBody, req.body);
    const change = await auditedChange(deps, req, (manager) => restrictCustomer(manager, id, deps.clock()),
      (result) => ({ action: "customer.restrict", customerId: id, reason: body?.reason ?? null, detail: { notifiedDealerIds: result.notifiedDealerIds } }));
    res.json(customerRepresentation(change.customer));
  });

  routes.post("/v1/admin/customers/:id/unrestrict", CRM_ADMIN, async (req, res) => {
    const id = idParam(req);
    parse(noBody, req.body);
    const customer = await auditedChange(deps, req, (manager) => unrestrictCustomer(manager, id, deps.clock()),
      () => ({ action: "customer.unrestrict", customerId: id }));
    res.json(customerRepresentation(customer));
  });

  routes.post("/v1/admin/customers/:id/erase", CRM_ADMIN, async (req, res) => {
    const id = idParam(req);
    parse(noBody, req.body);
    const change = await auditedChange(deps, req, (manager) => eraseCustomer(manager, id, { type: "admin", id: adminActor(req).id }, deps.clock()),
      (result) => ({ action: "customer.erase", customerId: id, detail: { notifiedDealerIds: result.notifiedDealerIds, endedConsentIds: result.endedConsentIds } }));
    res.json(customerRepresentation(change.customer));
  });

  return routes.router;
}
