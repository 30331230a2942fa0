import { afterAll, beforeAll, describe } from "vitest";
import { lockContentionTests } from "./database-lock.support";
import { createTestDatabase, TEST_DB, type TestDatabase } from "./support/databases";

describe.skipIf(TEST_DB !== "mysql")("the database lock between processes on one MySQL database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("mysql");
  });
  afterAll(async () => {
    await database?.drop();
  });
  lockContentionTests(() => [database.url, database.url]);
});
