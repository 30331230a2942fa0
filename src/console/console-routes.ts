import fs from "node:fs";
import path from "node:path";
import express, { Router, type RequestHandler } from "express";
import type { AppDeps } from "../app-deps";
import { PROJECT_ROOT } from "../project-root";
import { notBuiltPage } from "./not-built-page";

/** Where `npm run build:console` writes the console (see console/vite.config.ts). */
export const CONSOLE_DIST_DIR = path.join(PROJECT_ROOT, "dist/console");

/**
 * Helmet's default policy, tightened to same-origin everything, minus `upgrade-insecure-requests`: the
 * console only loads same-origin files, so over HTTPS that directive changes nothing, while over plain
 * HTTP on an internal host it makes the browser fetch the scripts over HTTPS and the console never loads.
 */
const CONSOLE_CSP = [
  "default-src 'self'", "base-uri 'self'", "connect-src 'self'", "font-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
  "img-src 'self' data:", "object-src 'none'", "script-src 'self'", "script-src-attr 'none'", "style-src 'self'",
].join("; ");

const consolePolicy: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", CONSOLE_CSP);
  next();
};

/**
 * Any GET below /console that is not an asset gets the shell, fetched afresh each time so a new build's
 * hashed asset names are picked up at once.
 */
function sendShell(indexFile: string): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || req.path.startsWith("/assets/")) return next();
    if (req.path === "/" && !req.originalUrl.split("?")[0]!.endsWith("/")) return res.redirect(301, "/console/");
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(indexFile);
  };
}

/**
 * The admin and compliance console, served at `/console` as static files. It talks to the public JSON API
 * with the signed-in user's bearer token, like any other client. The build holds the shell and hashed
 * assets only; every other path gets the shell, so a page's address can be bookmarked and reloaded.
 */
export function consoleRoutes(_deps: AppDeps, distDir: string = CONSOLE_DIST_DIR): Router {
  const router = Router();
  const indexFile = path.join(distDir, "index.html");
  router.use("/console", consolePolicy);
  router.use("/console", (_req, res, next) => {
    if (fs.existsSync(indexFile)) return next();
    res.status(503).setHeader("Cache-Control", "no-store").type("html").send(notBuiltPage());
  });
  // Asset names carry a content hash, so they never change and may be cached for good, overriding the
  // app-wide no-store; a missing one falls through to the API's 404.
  router.use("/console/assets", express.static(path.join(distDir, "assets"), {
    index: false, setHeaders: (res) => res.setHeader("Cache-Control", "public, max-age=31536000, immutable"),
  }));
  router.use("/console", sendShell(indexFile));
  return router;
}
