import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { TEST_DB } from "./support/databases";
import { useMigratedDatabase } from "./support/migrated-database";

/** Another process writing to the same file for a while, in short transactions, as a second worker does. */
const OTHER_WRITER = `
const db = new (require("better-sqlite3"))(process.argv[1]);
db.pragma("busy_timeout = 5000");
const end = Date.now() + 1500;
while (Date.now() < end) {
  db.exec("BEGIN IMMEDIATE");
  db.prepare("UPDATE purposes SET description = description WHERE id = 'record_accuracy'").run();
  const hold = Date.now() + 5;
  while (Date.now() < hold);
  db.exec("COMMIT");
}
`;

/**
 * Two processes on one SQLite file (two workers, a worker and the CLI): a transaction that reads and
 * then writes, while the other process writes in between, must wait for its turn, not fail.
 */
describe.skipIf(TEST_DB !== "sqlite")("SQLite transactions beside another writing process", () => {
  const opened = useMigratedDatabase();

  it("when transactions read and then write while another process writes, then every one commits", async () => {
    const file = opened.database.url.slice("sqlite:".length);
    const other = spawn(process.execPath, ["-e", OTHER_WRITER, file], { cwd: process.cwd(), stdio: "inherit" });
    const exited = new Promise((resolve) => other.once("exit", resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++) {
      await opened.dataSource.transaction(async (manager) => {
        await manager.query("SELECT COUNT(*) AS n FROM purposes");
        await new Promise((resolve) => setTimeout(resolve, 10));
        await manager.query("UPDATE purposes SET description = description WHERE id = 'service_delivery'");
      }).then(() => outcomes.push("ok"), (error: Error) => outcomes.push(error.message));
    }
    expect(await exited).toBe(0);
    expect(outcomes).toEqual(outcomes.map(() => "ok"));
  });
});
