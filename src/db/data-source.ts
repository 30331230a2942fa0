import path from "node:path";
import fs from "node:fs";
import { DataSource, type DataSourceOptions, type Logger as TypeOrmLogger } from "typeorm";
import { AdminUserEntity } from "../admin-users/admin-user.entity";
import { AuditEventEntity } from "../audit/audit-event.entity";
import { RememberBatchesOnCommit } from "../audit/written-batches";
import { ConsentEntity, ConsentHistoryEntity, ConsentPurposeEntity } from "../consents/consent.entity";
import { DealerEventAckEntity, DealerEventEntity } from "../consents/dealer-event.entity";
import { CustomerEntity, MysqlCustomerEntity } from "../customers/customer.entity";
import { MarketingPreferenceChangeEntity } from "../customers/marketing-preference.entity";
import { IdempotentWriteEntity } from "../dealer-api/idempotent-write.entity";
import { DealerCredentialEntity, DealerEntity, DealerGrantEntity } from "../dealers/dealer.entity";
import { PurposeEntity } from "../purposes/purpose.entity";
import { isMysql } from "./dialect";
import { DropConnectionsToNodesOutOfCluster, readCausallyOnGalera } from "./galera";
import { MIGRATIONS } from "./migrations";
import { DealerWebhookEntity, WebhookDeliveryEntity } from "../webhooks/webhook.entity";

export const ENTITIES = [
  AdminUserEntity, PurposeEntity, DealerEntity, DealerCredentialEntity, DealerGrantEntity, CustomerEntity,
  ConsentEntity, ConsentPurposeEntity, ConsentHistoryEntity, DealerEventEntity, DealerEventAckEntity, AuditEventEntity,
  IdempotentWriteEntity, MarketingPreferenceChangeEntity, DealerWebhookEntity, WebhookDeliveryEntity,
];
const MYSQL_ENTITIES = ENTITIES.map((entity) => (entity === CustomerEntity ? MysqlCustomerEntity : entity));

export const DEFAULT_DATABASE_URL = "sqlite:./data/gateway.sqlite";

export interface DatabaseTimeouts {
  /** Opening a connection (TCP and handshake). */
  connectMs: number;
  /** One query; past it the connection is dropped and the request fails with 503 instead of hanging. */
  queryMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 5000, queryMs: 10_000 };

/**
 * TypeORM reports a query slower than the timeout with its SQL and parameters, whatever `logging`
 * says; parameters are personal data, so those reports go nowhere.
 */
const quietLogger: TypeOrmLogger = { logQuery() {}, logQueryError() {}, logQuerySlow() {}, logSchemaBuild() {}, logMigration() {}, log() {} };

/** `mysql://user:pass@host:port/db` for MySQL or MariaDB, `sqlite:<path>` for an embedded file. */
export function dataSourceOptions(databaseUrl: string = DEFAULT_DATABASE_URL, poolSize = 10, timeouts: DatabaseTimeouts = DEFAULT_DATABASE_TIMEOUTS): DataSourceOptions {
  const common = {
    entities: ENTITIES, migrations: MIGRATIONS, subscribers: [RememberBatchesOnCommit] as Function[], synchronize: false, migrationsTableName: "schema_migrations", logging: false,
  } as const;
  if (/^(mysql|mariadb):\/\//.test(databaseUrl)) {
    return {
      ...common,
      type: "mariadb",
      entities: MYSQL_ENTITIES,
      url: databaseUrl.replace(/^mariadb:/, "mysql:"),
      charset: "utf8mb4_unicode_ci",
      timezone: "Z",
      poolSize,
      connectTimeout: timeouts.connectMs,
      // Every query gets a deadline: with the database gone silent (a partition), requests fail fast rather than hang.
      enableQueryTimeout: true,
      maxQueryExecutionTime: timeouts.queryMs,
      logger: quietLogger,
      subscribers: [...common.subscribers, DropConnectionsToNodesOutOfCluster],
      extra: { enableKeepAlive: true, keepAliveInitialDelay: 10_000 },
    };
  }
  if (databaseUrl.startsWith("sqlite:")) {
    const file = databaseUrl.slice("sqlite:".length);
    if (!file) throw new Error("DATABASE_URL sqlite:<path> needs a path");
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return {
      ...common,
      type: "better-sqlite3",
      database: file,
      enableWAL: true,
      prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
        db.pragma("foreign_keys = ON");
        db.pragma("busy_timeout = 5000");
      },
    };
  }
  throw new Error("DATABASE_URL must start with mysql:// or sqlite:");
}

export function createDataSource(databaseUrl?: string, poolSize?: number, timeouts?: DatabaseTimeouts): DataSource {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl, poolSize, timeouts));
  if (isMysql(dataSource)) readCausallyOnGalera(dataSource);
  else {
    serializeTransactions(dataSource);
    beginImmediately(dataSource);
  }
  return dataSource;
}

const immediate = new WeakSet<object>();

/**
 * A deferred SQLite transaction that reads and then writes cannot take the write lock while another
 * process (a second worker, the CLI) has written since its read: it fails at once with
 * SQLITE_BUSY_SNAPSHOT, whatever busy_timeout says. Transactions take the write lock as they begin
 * instead, and wait their turn for up to busy_timeout.
 */
function beginImmediately(dataSource: DataSource): void {
  const create = dataSource.driver.createQueryRunner.bind(dataSource.driver);
  dataSource.driver.createQueryRunner = ((mode) => {
    const runner = create(mode);
    if (immediate.has(runner)) return runner;
    immediate.add(runner);
    const query = runner.query.bind(runner) as (sql: string, ...rest: unknown[]) => Promise<unknown>;
    runner.query = ((sql: string, ...rest: unknown[]) => query(sql === "BEGIN TRANSACTION" ? "BEGIN IMMEDIATE TRANSACTION" : sql, ...rest)) as typeof runner.query;
    return runner;
  }) as typeof dataSource.driver.createQueryRunner;
}

/**
 * TypeORM runs every SQLite query on one shared connection, so two concurrent transactions would
 * nest into one another and a rollback of either would undo both. On SQLite they take turns.
 */
function serializeTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  manager.transaction = ((...args: unknown[]) => {
    const run = tail.then(() => transaction(...args));
    tail = run.catch(() => undefined);
    return run;
  }) as typeof manager.transaction;
}
