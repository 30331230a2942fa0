import type { Router } from "express";
import type { AppDeps } from "../app-deps";
import type { Role } from "../admin-users/admin-user.entity";
import { auditInput } from "../audit/audit-log";
import { securedRouter } from "../auth/secured-router";
import { idParam } from "../http/params";
import { preferenceHistory } from "./marketing-preferences";
import { loadCustomer } from "./customer-records";

const CRM_ADMIN: [Role] = ["crm_admin"];

/** `GET /v1/admin/customers/{id}/marketing-preferences`: the current preferences and every change, with who recorded it, when and on what evidence (policy P8). */
export function marketingPreferenceRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  routes.get("/v1/admin/customers/:id/marketing-preferences", CRM_ADMIN, async (req, res) => {
    const customer = await loadCustomer(deps.dataSource.manager, idParam(req));
    const history = await preferenceHistory(deps.dataSource.manager, customer.id);
    await deps.audit.record(auditInput(req, { action: "customer.marketing.view", decision: "allow", status: 200, customerId: customer.id }));
    res.json({ current: customer.profile?.marketingPreferences ?? null, history });
  });
  return routes.router;
}
