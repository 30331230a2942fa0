import { isRoleGuard } from "../auth/roles";
import type { Role } from "../admin-users/admin-user.entity";

/** One route the app serves, as express knows it: `/v1/admin/dealers/:id`. */
export interface ServedRoute {
  method: string;
  path: string;
  /** The roles its guard demands; undefined when the route has no role guard. */
  roles?: Role[];
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle: { stack?: Layer[] };
  rawPath?: unknown;
  slash?: boolean;
}

/**
 * Every route of an express 5 app or router, nested routers included, with the mount prefix of each
 * router prepended. A router mounted on a pattern rather than a plain path cannot be listed and throws.
 */
export function servedRoutes(appOrRouter: object): ServedRoute[] {
  const root = "router" in appOrRouter ? (appOrRouter as { router: object }).router : appOrRouter;
  const found: ServedRoute[] = [];
  const walk = (layers: Layer[], prefix: string) => {
    for (const layer of layers) {
      if (layer.route) {
        const guard = layer.route.stack.map((entry) => entry.handle).find(isRoleGuard);
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const method of Object.keys(layer.route.methods).filter((name) => name !== "_all")) {
            found.push({ method: method.toUpperCase(), path: prefix + path, ...(guard ? { roles: [...guard.requiredRoles] } : {}) });
          }
        }
      } else if (layer.handle.stack) {
        if (!layer.slash && typeof layer.rawPath !== "string") throw new Error("a router is mounted on a pattern the route table cannot read");
        walk(layer.handle.stack, layer.slash ? prefix : prefix + String(layer.rawPath).replace(/\/$/, ""));
      }
    }
  };
  walk((root as { stack: Layer[] }).stack, "");
  return found;
}

/** `/v1/admin/dealers/:id` → `/v1/admin/dealers/{id}`. */
export function openapiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}
