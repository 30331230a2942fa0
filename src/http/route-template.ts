import type { Request } from "express";

/**
 * The route express matched, as method and template: `POST /v1/customers/lookup`, `GET /v1/customers/:id`.
 * Every spelling that reaches a route (any case, a trailing slash) gives the same answer, so what keys
 * on it (per-route limits, the request log, refusal events) cannot be dodged by spelling a path
 * differently, and it never holds what the caller put in the path. Undefined until a route has
 * matched (and for requests no route took: not-found answers and static files). The routers are
 * mounted at the root, so a route's path is the whole template.
 */
export function routeTemplate(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== "string") return undefined;
  // express answers HEAD with the GET route.
  return `${req.method === "HEAD" ? "GET" : req.method} ${path}`;
}
