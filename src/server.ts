import type { AddressInfo } from "node:net";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { buildApp } from "./app";
import { bootstrapAdmin } from "./admin-users/bootstrap-admin";
import type { AuditLog } from "./audit/audit-log";
import { createAuditLog } from "./audit/audit-log";
import { startAuditIntegrator } from "./audit/audit-integrator";
import { loadAuditKey, type AuditKey } from "./audit/audit-key";
import { assertKeySignsLog } from "./audit/audit-tree-store";
import { startRetentionSchedule } from "./retention/retention-schedule";
import { loadSigningKeys, type SigningKeys } from "./auth/signing-keys";
import type { Config } from "./config";
import { createDataSource } from "./db/data-source";
import { answerClientError } from "./http/client-error";
import { rateLimitStores } from "./http/rate-limit";
import { migrateOnStart } from "./db/startup-migrations";
import { createLogger } from "./ops/logger";
import { createMetrics } from "./ops/metrics";
import { allowedHosts, systemLookup, type Lookup } from "./webhooks/egress-guard";
import { startWebhookDispatcher } from "./webhooks/webhook-dispatcher";
import { loadWebhookKey } from "./webhooks/webhook-secret";

export interface Gateway {
  url: string;
  auditKey: AuditKey;
  server: Server;
  dataSource: DataSource;
  logger: Logger;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  dataSource?: DataSource;
  keys?: SigningKeys;
  auditKey?: AuditKey;
  logger?: Logger;
  clock?: () => Date;
  /** Wraps the audit writer; tests use it to make audit writes fail. */
  auditDecorator?: (real: AuditLog) => AuditLog;
  /** Migrations and the bootstrap admin are done already (by the cluster primary, for its workers). */
  prepared?: boolean;
  /** How webhook host names resolve; tests stand in for DNS with it. */
  webhookLookup?: Lookup;
}

/** Connects, migrates, bootstraps the first admin and listens: what `npm start` and the tests run. */
export async function startGateway(config: Config, options: StartOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const timeouts = { connectMs: config.DB_CONNECT_TIMEOUT_MS, queryMs: config.DB_QUERY_TIMEOUT_MS };
  const dataSource = options.dataSource ?? createDataSource(config.DATABASE_URL, undefined, timeouts);
  if (!dataSource.isInitialized) await dataSource.initialize();
  const clock = options.clock ?? (() => new Date());
  const auditKey = options.auditKey ?? loadAuditKey({ privateKeyPem: config.AUDIT_SIGNING_KEY, dataDir: config.DATA_DIR, origin: config.AUDIT_LOG_ORIGIN });
  if (!options.prepared) {
    try {
      await migrateOnStart(dataSource, { migrationDatabaseUrl: config.MIGRATION_DATABASE_URL, timeouts, auditKey });
      if (await bootstrapAdmin(dataSource, config.GATEWAY_ADMIN_USERNAME, config.GATEWAY_ADMIN_PASSWORD, clock())) {
        logger.info({ username: config.GATEWAY_ADMIN_USERNAME }, "created the bootstrap admin user");
      }
    } catch (error) {
      // A start-up that fails here (a refused bootstrap password, say) leaves no connection behind.
      if (!options.dataSource) await dataSource.destroy();
      throw error;
    }
  }
  const keys = options.keys ?? loadSigningKeys({
    privateKeyPem: config.JWT_PRIVATE_KEY, previousPublicKeys: config.JWT_PREVIOUS_PUBLIC_KEYS, dataDir: config.DATA_DIR,
  });
  await assertKeySignsLog(dataSource, auditKey).catch(async (error: unknown) => {
    if (!options.dataSource) await dataSource.destroy();
    throw error;
  });
  const integrator = startAuditIntegrator({ dataSource, key: auditKey, clock, logger, witnessFile: config.AUDIT_WITNESS_FILE }, config.AUDIT_INTEGRATE_INTERVAL_MS);
  const retention = startRetentionSchedule(
    { dataSource, audit: createAuditLog(dataSource, clock, auditKey), clock, logger, retentionYears: config.RETENTION_YEARS },
    config.RETENTION_INTERVAL_MINUTES,
  );
  const limits = rateLimitStores({ redisUrl: config.RATE_LIMIT_REDIS_URL, prefix: config.RATE_LIMIT_REDIS_PREFIX, logger });
  const metrics = createMetrics();
  const webhookKey = loadWebhookKey({ keyBase64: config.WEBHOOK_SECRET_KEY, dataDir: config.DATA_DIR });
  const webhookLookup = options.webhookLookup ?? systemLookup;
  const { app, close: closeApp } = buildApp({
    config, dataSource, keys, auditKey, logger, clock, auditDecorator: options.auditDecorator, rateLimitStores: limits, metrics, webhookKey, webhookLookup,
  });
  const server = createServer(app);
  server.on("clientError", answerClientError);
  trackInFlight(server);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  // Started once listening, so a start-up that fails leaves nothing running behind it.
  const webhooks = startWebhookDispatcher({
    dataSource, clock, logger, key: webhookKey, metrics: metrics.webhooks, lookup: webhookLookup,
    audit: options.auditDecorator ? options.auditDecorator(createAuditLog(dataSource, clock, auditKey)) : createAuditLog(dataSource, clock, auditKey),
    allowed: allowedHosts(config.WEBHOOK_ALLOWED_HOSTS), timeoutMs: config.WEBHOOK_TIMEOUT_MS, perDealer: config.WEBHOOK_CONCURRENCY_PER_DEALER,
    retryWindowMs: config.WEBHOOK_RETRY_WINDOW_HOURS * 3_600_000,
  }, config.WEBHOOK_POLL_INTERVAL_MS);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST}:${port}`;
  return {
    url, auditKey, server, dataSource, logger,
    async stop() {
      await drain(server, config.SHUTDOWN_TIMEOUT_MS, logger);
      await closeApp();
      await webhooks.stop();
      await integrator.stop();
      await retention.stop();
      await limits.close();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

const inFlight = new WeakMap<Server, Set<ServerResponse>>();

/** Keeps the responses being worked on, so a shutdown can ask their clients not to send more. */
function trackInFlight(server: Server): void {
  const responses = new Set<ServerResponse>();
  inFlight.set(server, responses);
  server.on("request", (_req, res: ServerResponse) => {
    responses.add(res);
    res.on("close", () => responses.delete(res));
  });
}

/**
 * Graceful shutdown: the listener closes at once (new connections are refused), idle keep-alive
 * connections are closed, and every in-flight request may finish, its connection closing once its
 * response is sent. Whatever is still running after `timeoutMs` is cut off.
 */
async function drain(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Responses not yet started tell their clients not to reuse the connection.
  for (const res of inFlight.get(server) ?? []) if (!res.headersSent) res.setHeader("Connection", "close");
  server.on("request", (_req, res: ServerResponse) => res.setHeader("Connection", "close"));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(resolve, timeoutMs, "timeout");
  });
  try {
    if ((await Promise.race([closed, deadline])) === "timeout") {
      logger.warn({ timeoutMs }, "requests still running at the shutdown deadline; closing their connections");
      server.closeAllConnections();
      await closed;
    }
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}
