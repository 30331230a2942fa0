import { afterAll, beforeAll } from "vitest";
import type { DataSource } from "typeorm";
import { createDataSource } from "../../src/db/data-source";
import { migrate } from "../../src/db/migrate";
import { createTestDatabase, type TestDatabase } from "./databases";

export interface MigratedDatabase {
  database: TestDatabase;
  dataSource: DataSource;
}

/** A fresh database at the latest schema, with no gateway (and so no background job) on it, for the tests of one describe block or file. */
export function useMigratedDatabase(): MigratedDatabase {
  const opened = {} as MigratedDatabase;
  beforeAll(async () => {
    opened.database = await createTestDatabase();
    opened.dataSource = createDataSource(opened.database.url);
    await opened.dataSource.initialize();
    await migrate(opened.dataSource);
  });
  afterAll(async () => {
    await opened.dataSource?.destroy();
    await opened.database?.drop();
  });
  return opened;
}
