import cluster from "node:cluster";
import express from "express";
import mysql from "mysql2/promise";

/**
 * The raw baseline: the same primary-key read of a customer as the gateway's read path, with nothing
 * around it (no authentication, policy or audit). BASELINE_WORKERS processes, as many as the gateway runs.
 */
const workers = Number(process.env.BASELINE_WORKERS ?? 1);
const port = Number(process.env.PORT ?? 3100);

function serve(): void {
  const pool = mysql.createPool({ uri: process.env.DATABASE_URL, connectionLimit: 10 });
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  app.get("/v1/customers/:id", async (req, res) => {
    const [rows] = await pool.query("SELECT id, status, profile FROM customers WHERE id = ?", [req.params.id]);
    const row = (rows as { id: string; status: string; profile: string | null }[])[0];
    if (!row) {
      res.status(404).json({ code: "not_found" });
      return;
    }
    res.json({ id: row.id, purpose: req.query.purpose, data: row.profile ? JSON.parse(row.profile) : {} });
  });
  app.listen(port, "127.0.0.1");
  process.once("SIGTERM", () => process.exit(0));
}

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.once("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    process.exit(0);
  });
} else {
  serve();
}
