import type { Router } from "express";
import type { AppDeps } from "../app-deps";
import { securedRouter } from "../auth/secured-router";

/** `POST /v1/admin/access-check`: the decision a dealer request would get now, explained. */
export function accessCheckRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  return routes.router;
}
