import type { Router } from "express";
import type { AppDeps } from "../app-deps";
import { securedRouter } from "../auth/secured-router";

export function consentRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  return routes.router;
}
