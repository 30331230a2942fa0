import path from "node:path";
import { Router, type RequestHandler } from "express";
import type { AppDeps } from "../app-deps";
import { PROJECT_ROOT } from "../project-root";
import { openApiDocument } from "./openapi-document";

const RENDERER_DIR = path.dirname(require.resolve("swagger-ui-dist/package.json"));
const PAGE_DIR = path.join(PROJECT_ROOT, "src/openapi/docs-page");

/** The files `/docs` may load, all from this host: the renderer's bundle and style, and the page's own start-up script. */
const DOCS_FILES: Record<string, string> = {
  "/swagger-ui-bundle.js": path.join(RENDERER_DIR, "swagger-ui-bundle.js"),
  "/swagger-ui.css": path.join(RENDERER_DIR, "swagger-ui.css"),
  "/favicon-32x32.png": path.join(RENDERER_DIR, "favicon-32x32.png"),
  "/init.js": path.join(PAGE_DIR, "init.js"),
};

/**
 * Everything from this host, nothing inline: the renderer's start-up is a file (init.js), and the
 * renderer sets its styles through the DOM, which the policy allows. Its icons are data: images.
 */
export const DOCS_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join("; ");

const docsPolicy: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", DOCS_CSP);
  next();
};

const docsFiles: RequestHandler = (req, res, next) => {
  const file = DOCS_FILES[req.path];
  if (!file || (req.method !== "GET" && req.method !== "HEAD")) return next();
  res.setHeader("Cache-Control", "public, max-age=3600");
  res.sendFile(file);
};

/** `/openapi.json` and the rendered reference at `/docs`. */
export function openapiRoutes(_deps: AppDeps): Router {
  const router = Router();
  router.get("/openapi.json", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.json(openApiDocument());
  });
  router.use("/docs", docsPolicy);
  router.get("/docs", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(path.join(PAGE_DIR, "index.html"));
  });
  router.use("/docs", docsFiles);
  return router;
}
