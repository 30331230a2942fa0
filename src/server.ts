import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { buildApp } from "./app";
import { bootstrapAdmin } from "./admin-users/bootstrap-admin";
import type { AuditLog } from "./audit/audit-log";
import { startAuditSealer } from "./audit/audit-seal";
import { loadSigningKeys, type SigningKeys } from "./auth/signing-keys";
import type { Config } from "./config";
import { createDataSource } from "./db/data-source";
import { migrate } from "./db/migrate";
import { createLogger } from "./ops/logger";

export interface Gateway {
  url: string;
  server: Server;
  dataSource: DataSource;
  logger: Logger;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  dataSource?: DataSource;
  keys?: SigningKeys;
  logger?: Logger;
  clock?: () => Date;
  /** Wraps the audit writer; tests use it to make audit writes fail. */
  auditDecorator?: (real: AuditLog) => AuditLog;
}

/** Connects, migrates, bootstraps the first admin and listens: what `npm start` and the tests run. */
export async function startGateway(config: Config, options: StartOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const dataSource = options.dataSource ?? createDataSource(config.DATABASE_URL);
  if (!dataSource.isInitialized) await dataSource.initialize();
  await migrate(dataSource);
  const clock = options.clock ?? (() => new Date());
  if (await bootstrapAdmin(dataSource, config.GATEWAY_ADMIN_USERNAME, config.GATEWAY_ADMIN_PASSWORD, clock())) {
    logger.info({ username: config.GATEWAY_ADMIN_USERNAME }, "created the bootstrap admin user");
  }
  const keys = options.keys ?? loadSigningKeys({
    privateKeyPem: config.JWT_PRIVATE_KEY, keyId: config.JWT_KEY_ID, previousPublicKeys: config.JWT_PREVIOUS_PUBLIC_KEYS, dataDir: config.DATA_DIR,
  });
  const sealer = startAuditSealer({ dataSource, clock, logger });
  const app = buildApp({ config, dataSource, keys, logger, clock, auditDecorator: options.auditDecorator });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST}:${port}`;
  return {
    url, server, dataSource, logger,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await sealer.stop();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
