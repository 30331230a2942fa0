import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { mysqlReachable, TEST_MYSQL_URL } from "./support/databases";

/**
 * `npm test`: the whole suite on the embedded SQLite database, then again on MySQL/MariaDB when one is
 * reachable at TEST_MYSQL_URL. Under CI (or REQUIRE_MYSQL=1) an unreachable MySQL is a failure.
 */
interface Summary {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  success: boolean;
  testResults?: { name: string; assertionResults: { fullName: string; status: string; failureMessages?: string[] }[] }[];
}

/** The first line of a failure, without colour codes: what a reader of the run's last lines needs first. */
const firstLine = (message: string | undefined): string => (message ?? "").replace(/\u001b\[[0-9;]*m/g, "").split("\n")[0]!.slice(0, 500);

function failures(summary: Summary): string[] {
  return (summary.testResults ?? []).flatMap((file) =>
    file.assertionResults
      .filter((test) => test.status === "failed")
      .map((test) => `${path.basename(file.name)} > ${test.fullName}\n    ${firstLine(test.failureMessages?.[0])}`),
  );
}

function runSuite(database: "sqlite" | "mysql", args: string[]): Summary {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gateway-vitest-")), "report.json");
  console.log(`\n=== test suite on ${database} ===`);
  const result = spawnSync("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...args], {
    stdio: "inherit",
    env: { ...process.env, TEST_DB: database },
  });
  if (!fs.existsSync(report)) return { numPassedTests: 0, numFailedTests: 1, numPendingTests: 0, success: false };
  const summary = JSON.parse(fs.readFileSync(report, "utf8")) as Summary;
  return { ...summary, success: summary.success && result.status === 0 };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const required = process.env.CI === "true" || process.env.REQUIRE_MYSQL === "1";
  const results: [string, Summary][] = [["sqlite", runSuite("sqlite", args)]];
  if (await mysqlReachable()) {
    results.push(["mysql", runSuite("mysql", args)]);
  } else if (required) {
    console.error(`MySQL/MariaDB is not reachable at ${TEST_MYSQL_URL}, and CI requires it.`);
    process.exit(1);
  } else {
    console.warn(`\nMySQL/MariaDB not reachable at ${TEST_MYSQL_URL}: only the SQLite run took place.`);
  }
  let passed = 0;
  let failed = 0;
  for (const [database, summary] of results) {
    for (const name of failures(summary)) console.log(`FAILED on ${database}: ${name}`);
    console.log(`${database}: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${summary.numPendingTests} skipped`);
    passed += summary.numPassedTests;
    failed += summary.numFailedTests + (summary.success ? 0 : summary.numFailedTests === 0 ? 1 : 0);
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(results.every(([, summary]) => summary.success) ? 0 : 1);
}

void main();
