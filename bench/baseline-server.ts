import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import express from "express";
import mysql from "mysql2/promise";

/**
 * The raw baseline: the same primary-key read of a customer as the gateway's read path, with nothing
 * around it (no authentication, policy or audit). BASELINE_WORKERS processes, as many as the gateway runs.
 *
 * With BASELINE_AUDIT=1 it is the audited floor instead: the same read, plus one durable audit row per
 * request, written by a batched multi-row INSERT (the events of one turn of the event loop together)
 * and answered only once that INSERT has committed. That is the least any server keeping the
 * gateway's promise (no answer without its audit row) must do; the gap between it and the gateway is
 * the gateway's own cost.
 */
const workers = Number(process.env.BASELINE_WORKERS ?? 1);
const port = Number(process.env.PORT ?? 3100);
const audited = process.env.BASELINE_AUDIT === "1";

export const FLOOR_AUDIT_TABLE = `CREATE TABLE IF NOT EXISTS bench_floor_audit (
  seq BIGINT AUTO_INCREMENT PRIMARY KEY, id CHAR(36) NOT NULL, at VARCHAR(24) NOT NULL, customer_id VARCHAR(36) NOT NULL, request_id CHAR(36) NOT NULL
) ENGINE=InnoDB`;

/** Rows recorded during one turn of the event loop go in one INSERT; each caller resolves when it commits. */
function auditBatcher(pool: mysql.Pool): (customerId: string) => Promise<void> {
  let waiting: { row: unknown[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = waiting;
    waiting = [];
    pool.query(`INSERT INTO bench_floor_audit (id, at, customer_id, request_id) VALUES ${batch.map(() => "(?, ?, ?, ?)").join(", ")}`, batch.flatMap((entry) => entry.row))
      .then(() => batch.forEach((entry) => entry.resolve()), (error: unknown) => batch.forEach((entry) => entry.reject(error)));
  };
  return (customerId) => new Promise<void>((resolve, reject) => {
    if (waiting.length === 0) setImmediate(flush);
    waiting.push({ row: [randomUUID(), new Date().toISOString(), customerId, randomUUID()], resolve, reject });
  });
}

function serve(): void {
  const pool = mysql.createPool({ uri: process.env.DATABASE_URL, connectionLimit: 10 });
  const audit = audited ? auditBatcher(pool) : undefined;
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  app.get("/v1/customers/:id", async (req, res) => {
    const [rows] = await pool.query("SELECT id, status, profile FROM customers WHERE id = ?", [req.params.id]);
    const row = (rows as { id: string; status: string; profile: string | null }[])[0];
    await audit?.(req.params.id);
    if (!row) {
      res.status(404).json({ code: "not_found" });
      return;
    }
    res.json({ id: row.id, purpose: req.query.purpose, data: row.profile ? JSON.parse(row.profile) : {} });
  });
  app.listen(port, "127.0.0.1");
  process.once("SIGTERM", () => process.exit(0));
}

async function main(): Promise<void> {
  if (audited && cluster.isPrimary) {
    const db = await mysql.createConnection({ uri: process.env.DATABASE_URL });
    await db.query(FLOOR_AUDIT_TABLE);
    await db.end();
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
}

void main();
