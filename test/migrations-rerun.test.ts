import { beforeAll, describe, expect, it } from "vitest";
import { MigrationExecutor, type DataSource, type MigrationInterface, type QueryRunner } from "typeorm";
import { createDataSource } from "../src/db/data-source";
import { migrate } from "../src/db/migrate";
import { MIGRATIONS } from "../src/db/migrations";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { schemaSnapshot } from "./support/schema-snapshot";

const DDL = /^\s*(CREATE|ALTER|DROP|RENAME)\b/i;

interface Opened {
  database: TestDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}

async function openFresh(): Promise<Opened> {
  const database = await createTestDatabase();
  const dataSource = createDataSource(database.url, 2);
  await dataSource.initialize();
  return { database, dataSource, async close() { await dataSource.destroy(); await database.drop(); } };
}

interface FailurePoint {
  /** The number of the DDL statement that fails, counting from 1 over the whole run. */
  at: number;
  /** Before the statement reached the database, or after it ran and its answer was lost. */
  when: "before" | "after";
}

interface Run {
  /** DDL statements sent. */
  sent: number;
  /** After each migration, the number of DDL statements sent so far. */
  migrationEnds: number[];
}

/**
 * Runs the pending migrations as start-up does (each in its own transaction) through a connection on
 * which one DDL statement fails.
 */
async function migrateFailing(dataSource: DataSource, failure: FailurePoint | undefined): Promise<Run> {
  const runner = dataSource.createQueryRunner();
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  const run: Run = { sent: 0, migrationEnds: [] };
  runner.query = (async (sql: string, ...rest: unknown[]) => {
    if (!DDL.test(sql) || ++run.sent !== failure?.at) return query(sql, ...rest);
    if (failure.when === "after") await query(sql, ...rest);
    throw new Error(`DDL statement ${failure.at} failed (${failure.when})`);
  }) as QueryRunner["query"];
  for (const migration of dataSource.migrations) {
    const up = migration.up.bind(migration);
    migration.up = async (queryRunner) => {
      await up(queryRunner);
      run.migrationEnds.push(run.sent);
    };
  }
  const executor = new MigrationExecutor(dataSource, runner);
  executor.transaction = "each";
  try {
    await executor.executePendingMigrations();
    return run;
  } finally {
    // SQLite hands out one shared runner: it, and the migrations, get their own methods back.
    delete (runner as Partial<QueryRunner>).query;
    for (const migration of dataSource.migrations) delete (migration as Partial<MigrationInterface>).up;
    await runner.release();
  }
}

async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query("SELECT name FROM schema_migrations ORDER BY id");
  return rows.map((row) => row.name);
}

/** Runs `work` for every item, `parallel` at a time (DDL mostly waits on the disk). */
async function forEach<T>(items: T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

let clean: string[];
let cleanRun: Run;

beforeAll(async () => {
  const opened = await openFresh();
  try {
    cleanRun = await migrateFailing(opened.dataSource, undefined);
    clean = await schemaSnapshot(opened.dataSource);
  } finally {
    await opened.close();
  }
});

describe("a migration that failed part-way", () => {
  it("when migrations run, then they send DDL statements (the failure points below are real)", () => {
    expect(cleanRun.sent).toBeGreaterThan(MIGRATIONS.length);
    expect(cleanRun.migrationEnds).toHaveLength(MIGRATIONS.length);
  });

  /**
   * Failing before statement k leaves what "after statement k-1" leaves, unless k-1 ended a migration
   * (which then got recorded): so every k before, plus each migration's last statement after, reach every
   * state a failure can leave.
   */
  it("when any DDL statement fails, then migrating again completes and gives the schema of a clean run", async () => {
    const failures: FailurePoint[] = [
      ...Array.from({ length: cleanRun.sent }, (_, i) => ({ at: i + 1, when: "before" as const })),
      ...cleanRun.migrationEnds.map((at) => ({ at, when: "after" as const })),
    ];
    await forEach(failures, 3, async (failure) => {
      const opened = await openFresh();
      const label = `DDL statement ${failure.at} failed (${failure.when})`;
      try {
        await expect(migrateFailing(opened.dataSource, failure), label).rejects.toThrow(label);
        await migrate(opened.dataSource);
        expect(await schemaSnapshot(opened.dataSource), label).toEqual(clean);
        expect(await appliedMigrations(opened.dataSource), label).toEqual(MIGRATIONS.map((migration) => new migration().name));
        const purposes: { n: number | string }[] = await opened.dataSource.query("SELECT COUNT(*) AS n FROM purposes");
        expect(Number(purposes[0]!.n), label).toBe(4);
      } finally {
        await opened.close();
      }
    });
  }, 300_000);
});
