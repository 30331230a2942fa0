import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";
import { bootstrapAdmin } from "./admin-users/bootstrap-admin";
import { loadAuditKey } from "./audit/audit-key";
import { loadSigningKeys } from "./auth/signing-keys";
import { loadWebhookKey } from "./webhooks/webhook-secret";
import type { Config } from "./config";
import { createDataSource } from "./db/data-source";
import { migrateOnStart } from "./db/startup-migrations";

/** Workers that die this many times within the window mean something is wrong with every start, not one request. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/**
 * What must happen once, before any worker starts: migrations, the bootstrap admin, and generated
 * keys on disk (so that every worker signs and verifies with the same keys).
 */
async function prepareOnce(config: Config, logger: Logger): Promise<void> {
  const auditKey = loadAuditKey({ privateKeyPem: config.AUDIT_SIGNING_KEY, dataDir: config.DATA_DIR, origin: config.AUDIT_LOG_ORIGIN });
  // Two connections: the migrations run on one, the migration lock's lease is renewed on the other.
  const timeouts = { connectMs: config.DB_CONNECT_TIMEOUT_MS, queryMs: config.DB_QUERY_TIMEOUT_MS };
  const dataSource = createDataSource(config.DATABASE_URL, 2, timeouts);
  await dataSource.initialize();
  try {
    await migrateOnStart(dataSource, { migrationDatabaseUrl: config.MIGRATION_DATABASE_URL, timeouts, auditKey });
    if (await bootstrapAdmin(dataSource, config.GATEWAY_ADMIN_USERNAME, config.GATEWAY_ADMIN_PASSWORD, new Date())) {
      logger.info({ username: config.GATEWAY_ADMIN_USERNAME }, "created the bootstrap admin user");
    }
  } finally {
    await dataSource.destroy();
  }
  loadSigningKeys({ privateKeyPem: config.JWT_PRIVATE_KEY, previousPublicKeys: config.JWT_PREVIOUS_PUBLIC_KEYS, dataDir: config.DATA_DIR });
  loadWebhookKey({ keyBase64: config.WEBHOOK_SECRET_KEY, dataDir: config.DATA_DIR });
}

/**
 * The cluster primary: prepares once, then forks GATEWAY_WORKERS workers that share the listening port
 * (node's cluster module hands each new connection to one of them). A worker that dies is replaced;
 * on SIGTERM or SIGINT every worker drains its in-flight requests and the primary exits after them.
 */
export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  await prepareOnce(config, logger);
  let stopping = false;
  const restarts: number[] = [];
  const fork = (): Worker => cluster.fork({ GATEWAY_CLUSTER_WORKER: "1" });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length > MAX_RESTARTS) {
      logger.fatal({ code, signal }, "gateway workers keep dying; stopping");
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.kill("SIGTERM");
      process.exitCode = 1;
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, "gateway worker died; starting another");
    fork();
  });
  for (let i = 0; i < config.GATEWAY_WORKERS; i++) fork();
  logger.info({ workers: config.GATEWAY_WORKERS, port: config.PORT }, "dealer-gateway primary started its workers");
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping the workers");
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

/** Whether this process is a worker forked by `runPrimary`. */
export const isClusterWorker = (): boolean => cluster.isWorker && process.env.GATEWAY_CLUSTER_WORKER === "1";
