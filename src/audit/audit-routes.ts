import type { Router } from "express";
import type { AppDeps } from "../app-deps";
import { securedRouter } from "../auth/secured-router";

/** The compliance API of contract section 6 (role `compliance_auditor`). */
export function auditRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  return routes.router;
}
