import type { DataSource } from "typeorm";
import type { AuditKey } from "../audit/audit-key";
import { createDataSource, type DatabaseTimeouts } from "./data-source";
import { codeOf } from "./db-errors";
import { isMysql } from "./dialect";
import { migrate } from "./migrate";

const MIGRATIONS_TABLE = "schema_migrations";

/** The migrations this build has and the database has not applied. Reads only: a user without DDL rights may ask. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const rows: { name: string }[] = (await runner.hasTable(MIGRATIONS_TABLE)) ? await runner.query(`SELECT name FROM ${MIGRATIONS_TABLE}`) : [];
    const applied = new Set(rows.map((row) => row.name));
    return dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name).filter((name) => !applied.has(name));
  } finally {
    await runner.release();
  }
}

/** What the migrations do: tables with foreign keys, indexes, columns, triggers. */
const MIGRATION_PRIVILEGES = ["CREATE", "ALTER", "INDEX", "REFERENCES", "TRIGGER"];

/**
 * The migration privileges this MySQL user's grants (SHOW GRANTS) visibly lack on its database, or
 * none when it holds them all or when its grants cannot be read for sure (roles, wildcard database
 * names): then the migrations are tried and the server has the last word.
 */
async function missingMigrationPrivileges(dataSource: DataSource): Promise<string[]> {
  const [{ name }] = (await dataSource.query("SELECT DATABASE() AS name")) as [{ name: string }];
  const grants: Record<string, string>[] = await dataSource.query("SHOW GRANTS");
  const held = new Set<string>();
  let unsure = false;
  for (const line of grants.map((row) => String(Object.values(row)[0]))) {
    const grant = /^GRANT (.+?) ON (\S+) TO /.exec(line);
    if (!grant) {
      unsure ||= !/^GRANT PROXY /.test(line);
      continue;
    }
    const scope = grant[2]!.replace(/[`\\]/g, "");
    if (scope !== "*.*" && scope !== `${name}.*`) {
      unsure ||= scope.endsWith(".*") && /[%_]/.test(scope);
      continue;
    }
    for (const privilege of grant[1]!.split(",").map((part) => part.trim())) held.add(privilege === "ALL PRIVILEGES" ? "ALL" : privilege);
  }
  const missing = held.has("ALL") ? [] : MIGRATION_PRIVILEGES.filter((privilege) => !held.has(privilege));
  return unsure ? [] : missing;
}

const ACCESS_DENIED = new Set(["ER_TABLEACCESS_DENIED_ERROR", "ER_DBACCESS_DENIED_ERROR", "ER_SPECIFIC_ACCESS_DENIED_ERROR", "ER_COLUMNACCESS_DENIED_ERROR"]);

function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.has(codeOf(error) ?? "");
}

function notAllowed(pending: string[], why: string): Error {
  return new Error(
    `${pending.length} database migration(s) pending (${pending.join(", ")}), and the database user of DATABASE_URL ${why}. ` +
    "Set MIGRATION_DATABASE_URL to a user that may change the schema, or run `dealer-gateway migrate --database-url <that user's URL>` first.",
  );
}

export interface StartupMigrationSettings {
  /** A separate user for the schema changes; the runtime user then needs no DDL right. */
  migrationDatabaseUrl?: string;
  timeouts: DatabaseTimeouts;
  /** The key the gateway signs its audit log with, for a migration that signs. */
  auditKey: AuditKey;
}

/**
 * Start-up's migrations: through MIGRATION_DATABASE_URL when it is set, else through the gateway's own
 * connection. A runtime user that may not change the schema stops start-up with a message saying
 * what to do, before any schema change.
 */
export async function migrateOnStart(dataSource: DataSource, settings: StartupMigrationSettings): Promise<void> {
  const pending = await pendingMigrations(dataSource);
  if (pending.length === 0) return;
  if (settings.migrationDatabaseUrl) {
    // Two connections: migrate() holds one for its lock while the migrations run on the other.
    const privileged = createDataSource(settings.migrationDatabaseUrl, 2, settings.timeouts);
    await privileged.initialize();
    try {
      await migrate(privileged, settings.auditKey);
    } finally {
      await privileged.destroy();
    }
    const left = await pendingMigrations(dataSource);
    if (left.length > 0) throw new Error(`Migrations still pending on DATABASE_URL after migrating MIGRATION_DATABASE_URL (${left.join(", ")}): do both name the same database?`);
    return;
  }
  if (isMysql(dataSource)) {
    const missing = await missingMigrationPrivileges(dataSource);
    if (missing.length > 0) throw notAllowed(pending, `lacks ${missing.join(", ")}`);
  }
  try {
    await migrate(dataSource, settings.auditKey);
  } catch (error) {
    if (isAccessDenied(error)) throw notAllowed(pending, `was refused a schema change (${error instanceof Error ? error.message : error}); a rerun completes what was done`);
    throw error;
  }
}
