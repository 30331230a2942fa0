import { Router, type RequestHandler } from "express";
import type { Role } from "../admin-users/admin-user.entity";
import { isRoleGuard, requireRoles } from "./roles";

type Roles = [Role, ...Role[]];
type Register = (path: string, roles: Roles, ...handlers: RequestHandler[]) => void;

export interface SecuredRouter {
  router: Router;
  get: Register;
  post: Register;
  put: Register;
  patch: Register;
  delete: Register;
}

/** An admin-API router on which a route cannot be declared without authentication and the roles that may call it. */
export function securedRouter(authenticateAdmin: RequestHandler): SecuredRouter {
  const router = Router();
  const register = (method: "get" | "post" | "put" | "patch" | "delete"): Register => (path, roles, ...handlers) => {
    router[method](path, authenticateAdmin, requireRoles(...roles), ...handlers);
  };
  return { router, get: register("get"), post: register("post"), put: register("put"), patch: register("patch"), delete: register("delete") };
}

interface Layer {
  route?: { path: string | RegExp | (string | RegExp)[]; stack: { handle: unknown }[] };
  handle: { stack?: Layer[] };
}

/** The admin-API prefixes: every route below them must declare its roles. */
export const ADMIN_API_PREFIXES = ["/v1/admin", "/v1/audit", "/v1/purposes"];

/** Lists every admin-API route that reaches its handler without a role guard. */
export function unguardedAdminRoutes(router: object): string[] {
  const unguarded: string[] = [];
  const walk = (layers: Layer[]) => {
    for (const layer of layers) {
      if (layer.route) {
        const path = String(layer.route.path);
        const isAdminApi = ADMIN_API_PREFIXES.some((prefix) => path.startsWith(prefix));
        if (isAdminApi && !layer.route.stack.some((entry) => isRoleGuard(entry.handle))) unguarded.push(path);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as { stack: Layer[] }).stack);
  return unguarded;
}
