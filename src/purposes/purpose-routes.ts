import type { Router } from "express";
import type { AppDeps } from "../app-deps";
import { securedRouter } from "../auth/secured-router";
import { listPurposes } from "./purpose-queries";

/** `GET /v1/purposes`: any authenticated admin. */
export function purposeRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  routes.get("/v1/purposes", ["user_admin", "crm_admin", "compliance_auditor"], async (_req, res) => {
    res.json({ items: await listPurposes(deps.dataSource) });
  });
  return routes.router;
}
