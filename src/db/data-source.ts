import path from "node:path";
import fs from "node:fs";
import { DataSource, type DataSourceOptions } from "typeorm";
import { AdminUserEntity } from "../admin-users/admin-user.entity";
import { AuditEventEntity } from "../audit/audit-event.entity";
import { ConsentEntity, ConsentHistoryEntity, ConsentPurposeEntity } from "../consents/consent.entity";
import { DealerEventAckEntity, DealerEventEntity } from "../consents/dealer-event.entity";
import { CustomerEntity } from "../customers/customer.entity";
import { DealerCredentialEntity, DealerEntity, DealerGrantEntity } from "../dealers/dealer.entity";
import { PurposeEntity } from "../purposes/purpose.entity";
import { isMysql } from "./dialect";
import { MIGRATIONS } from "./migrations";

export const ENTITIES = [
  AdminUserEntity, PurposeEntity, DealerEntity, DealerCredentialEntity, DealerGrantEntity, CustomerEntity,
  ConsentEntity, ConsentPurposeEntity, ConsentHistoryEntity, DealerEventEntity, DealerEventAckEntity, AuditEventEntity,
];

export const DEFAULT_DATABASE_URL = "sqlite:./data/gateway.sqlite";

/** `mysql://user:pass@host:port/db` for MySQL or MariaDB, `sqlite:<path>` for an embedded file. */
export function dataSourceOptions(databaseUrl: string = DEFAULT_DATABASE_URL, poolSize = 10): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsTableName: "schema_migrations", logging: false } as const;
  if (/^(mysql|mariadb):\/\//.test(databaseUrl)) {
    return {
      ...common,
      type: "mariadb",
      url: databaseUrl.replace(/^mariadb:/, "mysql:"),
      charset: "utf8mb4_unicode_ci",
      timezone: "Z",
      poolSize,
      extra: { connectTimeout: 5000, enableKeepAlive: true },
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

export function createDataSource(databaseUrl?: string, poolSize?: number): DataSource {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl, poolSize));
  if (!isMysql(dataSource)) serializeTransactions(dataSource);
  return dataSource;
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
