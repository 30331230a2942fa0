import { afterAll, beforeAll, describe } from "vitest";
import { lockContentionTests } from "./database-lock.support";
import { createTestDatabase, TEST_DB, type TestDatabase } from "./support/databases";

describe(`the database lock between processes on one ${TEST_DB === "mysql" ? "MySQL database" : "SQLite file"}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  lockContentionTests(() => [database.url, database.url]);
});
