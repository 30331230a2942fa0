import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import express from "express";
import supertest from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import type { AppDeps } from "../src/app-deps";
import { consoleRoutes } from "../src/console/console-routes";

function consoleApp(distDir: string) {
  const app = express();
  // As in the gateway: everything is no-store unless a route says otherwise.
  app.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  app.use(consoleRoutes({} as AppDeps, distDir));
  app.use((_req, res) => res.status(404).json({ code: "not_found" }));
  return supertest(app);
}

describe("serving the console at /console", () => {
  const built = fs.mkdtempSync(path.join(os.tmpdir(), "console-dist-"));
  fs.mkdirSync(path.join(built, "assets"));
  fs.writeFileSync(path.join(built, "index.html"), "<!doctype html><title>console shell</title>");
  fs.writeFileSync(path.join(built, "assets", "index-abc123.js"), "export {};");
  afterAll(() => fs.rmSync(built, { recursive: true, force: true }));

  it("when the console was never built, then /console says how to build it", async () => {
    const response = await consoleApp(path.join(built, "missing")).get("/console/").expect(503);
    expect(response.type).toBe("text/html");
    expect(response.text).toContain("npm run build:console");
  });

  it("when a page address is opened directly, then the shell is served with a same-origin CSP", async () => {
    const response = await consoleApp(built).get("/console/audit/report").expect(200);
    expect(response.text).toContain("console shell");
    expect(response.headers["cache-control"]).toBe("no-cache");
    const csp = response.headers["content-security-policy"] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("when /console is asked without a slash, then it redirects to /console/", async () => {
    const response = await consoleApp(built).get("/console").expect(301);
    expect(response.headers.location).toBe("/console/");
  });

  it("when a hashed asset is fetched, then it is cached for good; a missing one is a 404, not the shell", async () => {
    const asset = await consoleApp(built).get("/console/assets/index-abc123.js").expect(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
    await consoleApp(built).get("/console/assets/index-gone.js").expect(404);
  });

  it("when a path only starts like the console, then it is not the console's", async () => {
    await consoleApp(built).get("/consoles").expect(404);
  });
});
