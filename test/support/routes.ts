import type { Server } from "node:http";

/** Every route a running gateway serves, found by walking its express router. */
export interface ServedRoute {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

export function servedRoutes(server: Server): ServedRoute[] {
  const app = server.listeners("request")[0] as unknown as { router: { stack: Layer[] } };
  const found: ServedRoute[] = [];
  const walk = (layers: Layer[]) => {
    for (const layer of layers) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) if (method !== "_all") found.push({ method: method.toUpperCase(), path: layer.route.path });
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk(app.router.stack);
  return found;
}

/** The names of a route pattern's parameters, in order: `/v1/admin/dealers/:id/grants/:purpose` → id, purpose. */
export function paramNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
}

/** Fills a route pattern, encoding each value as one path segment unless `raw` asks for the bytes as given. */
export function fill(path: string, values: Record<string, string>, raw = false): string {
  return path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${path}`);
    return raw ? value : encodeURIComponent(value);
  });
}

/** Routes of the dealer API (audience `dealer-api`); the others under /v1 take an admin token, except sign-in. */
export const isDealerApi = (path: string): boolean => path.startsWith("/v1/customers") || path.startsWith("/v1/consent-events");
