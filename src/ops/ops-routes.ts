import { Router } from "express";
import type { DataSource } from "typeorm";
import { MIGRATIONS } from "../db/migrations";
import { problems } from "../http/problem";
import type { Metrics } from "./metrics";

async function migrationsApplied(dataSource: DataSource): Promise<boolean> {
  const rows: { name: string }[] = await dataSource.query("SELECT name FROM schema_migrations");
  const applied = new Set(rows.map((row) => row.name));
  return MIGRATIONS.every((migration) => applied.has(migration.name));
}

/** Liveness, readiness and Prometheus metrics. */
export function opsRoutes(deps: { dataSource: DataSource; metrics: Metrics }): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const ready = await Promise.race([
      migrationsApplied(deps.dataSource).catch(() => false),
      new Promise<false>((resolve) => setTimeout(resolve, 2000, false).unref()),
    ]);
    if (!ready) throw problems.unavailable("The database is unreachable or migrations are pending");
    res.json({ status: "ready" });
  });
  router.get("/metrics", async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
