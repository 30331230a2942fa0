import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, type CliRun } from "./support/cli";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { startTestGateway, testAuditKeyPem, type TestGateway } from "./support/gateway";

let database: TestDatabase;
let gw: TestGateway;
let workDir: string;

const env = (url: string) => ({ ...process.env, DATABASE_URL: url, AUDIT_SIGNING_KEY: testAuditKeyPem() });
const cli = (args: string[]): Promise<CliRun> => runCommand(args, env(database.url));

const HEADER = ["externalRef", "name.given", "name.family", "email", "preferredLanguage", "preferredBoutique"];
const row = (ref: string, family = "Jansen") => [ref, "Sanne", family, `${ref.toLowerCase()}@example.nl`, "nl-NL", "Amsterdam P.C. Hooftstraat"];

async function externalRefsLike(prefix: string): Promise<string[]> {
  const rows: { external_ref: string }[] = await gw.dataSource.query("SELECT external_ref FROM customers WHERE external_ref LIKE ? ORDER BY external_ref", [`${prefix}%`]);
  return rows.map((found) => found.external_ref);
}

beforeAll(async () => {
  database = await createTestDatabase();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-cli-inputs-"));
  expect((await cli(["migrate"])).code).toBe(0);
  gw = await startTestGateway({ database });
});
afterAll(async () => {
  await gw?.stop();
  await database?.drop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe("import-customers reads CSV as spreadsheets write it", () => {
  it("when a row has an unclosed quote, then that row alone is rejected with its own file line, and the rows after it are imported", async () => {
    const file = path.join(workDir, "unclosed.csv");
    fs.writeFileSync(file, [
      HEADER.join(","),
      row("UQ-1").join(","),
      `UQ-2,Sanne,Jansen,uq-2@example.nl,nl-NL,"Amsterdam\nP.C. Hooftstraat"`,
      `UQ-3,Sanne,"Jansen,uq-3@example.nl,nl-NL,Amsterdam`,
      row("UQ-4").join(","),
      "UQ-5,Sanne,Jansen",
      row("UQ-6").join(","),
    ].join("\r\n"));
    const run = await cli(["--json", "import-customers", file]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result).toEqual(expect.objectContaining({ total: 6, created: 4 }));
    expect(result.rejected).toEqual([
      { line: 5, reason: "a quoted cell is never closed" },
      { line: 7, reason: "3 cells where the header has 6" },
    ]);
    expect(await externalRefsLike("UQ-")).toEqual(["UQ-1", "UQ-2", "UQ-4", "UQ-6"]);
  });

  it("when the last row's quote is never closed, then it is rejected on its line and the rows before it are imported", async () => {
    const file = path.join(workDir, "unclosed-end.csv");
    fs.writeFileSync(file, [HEADER.join(","), row("UE-1").join(","), `UE-2,"Sanne,Jansen,ue-2@example.nl,nl-NL,Amsterdam`].join("\n"));
    const run = await cli(["--json", "import-customers", file]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).rejected).toEqual([{ line: 3, reason: "a quoted cell is never closed" }]);
    expect(await externalRefsLike("UE-")).toEqual(["UE-1"]);
  });

  it("when an unclosed quote is closed by a later row's stray quote, then both rows are rejected on their own lines and the rest imported", async () => {
    const file = path.join(workDir, "stray-quotes.csv");
    fs.writeFileSync(file, [
      HEADER.join(","),
      `SQ-1,Sanne,"Jansen,sq-1@example.nl,nl-NL,Amsterdam`,
      `SQ-2,Sanne,Jansen,sq-2@example.nl,nl-NL,"Amsterdam`,
      row("SQ-3").join(","),
    ].join("\n"));
    const run = await cli(["--json", "import-customers", file]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).rejected).toEqual([
      { line: 2, reason: "a quoted cell is not closed on this line, and the lines after it do not close it into a valid row" },
      { line: 3, reason: "a quoted cell is never closed" },
    ]);
    expect(await externalRefsLike("SQ-")).toEqual(["SQ-3"]);
  });

  it("when the file is separated by semicolons with a BOM, as Dutch Excel saves it, or by tabs, then the delimiter is detected", async () => {
    const semicolons = path.join(workDir, "excel-nl.csv");
    fs.writeFileSync(semicolons, `\uFEFF${HEADER.join(";")}\r\n${row("SC-1", "de Vries, van").join(";")}\r\n${row("SC-2").join(";")}\r\n`);
    const tabs = path.join(workDir, "export.tsv");
    fs.writeFileSync(tabs, `${HEADER.join("\t")}\n${row("TB-1").join("\t")}\n`);
    expect((await cli(["import-customers", semicolons])).code).toBe(0);
    expect((await cli(["import-customers", tabs])).code).toBe(0);
    expect(await externalRefsLike("SC-")).toEqual(["SC-1", "SC-2"]);
    expect(await externalRefsLike("TB-")).toEqual(["TB-1"]);
    const family: { profile: string }[] = await gw.dataSource.query("SELECT profile FROM customers WHERE external_ref = 'SC-1'");
    expect(JSON.stringify(family[0]?.profile)).toContain("de Vries, van");
  });
});

describe("import-customers on a file whose extension does not say its format", () => {
  it("when a .txt file starts with a CSV header, then it is read as CSV and the user is told so", async () => {
    const file = path.join(workDir, "customers.txt");
    fs.writeFileSync(file, `${HEADER.join(";")}\n${row("TX-1").join(";")}\n`);
    const run = await cli(["import-customers", file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`reading ${file} as CSV`);
    expect(await externalRefsLike("TX-")).toEqual(["TX-1"]);
  });

  it("when a .txt file starts with a JSON object, then it is read as NDJSON", async () => {
    const file = path.join(workDir, "customers-json.txt");
    fs.writeFileSync(file, `${JSON.stringify({ externalRef: "TJ-1", name: { given: "Léa", family: "Muller" } })}\n`);
    const run = await cli(["import-customers", file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("as NDJSON");
    expect(await externalRefsLike("TJ-")).toEqual(["TJ-1"]);
  });

  it("when a .txt file is neither, then nothing is imported, exit 2, and the message names --format", async () => {
    const file = path.join(workDir, "notes.txt");
    fs.writeFileSync(file, "call Mrs Jansen back on Tuesday\n");
    const run = await cli(["import-customers", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("add --format ndjson or --format csv");
  });
});

describe("--database-url naming a SQLite file that does not exist", () => {
  it("when a command other than migrate is run, then it is refused with exit 1 and no file is created; migrate creates it", async () => {
    const file = path.join(workDir, "typo", "gatewy.sqlite");
    fs.mkdirSync(path.dirname(file));
    const refused = await runCommand(["--database-url", `sqlite:${file}`, "verify-audit"], env(database.url));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`no SQLite database at ${file}`);
    expect(fs.existsSync(file)).toBe(false);
    const migrated = await runCommand(["--database-url", `sqlite:${file}`, "migrate"], env(database.url));
    expect(migrated.code).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    expect((await runCommand(["--database-url", `sqlite:${file}`, "verify-audit"], env(database.url))).code).toBe(0);
  });
});

describe("export-audit with plain dates", () => {
  it("when --from and --to are plain dates, then they mean the start and the end of those UTC days", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const imports = async (args: string[]) => {
      const run = await cli(["export-audit", "--action", "customer.import", ...args]);
      expect(run.code).toBe(0);
      return run.stdout.trim() === "" ? 0 : run.stdout.trim().split("\n").length;
    };
    const all = await imports([]);
    expect(all).toBeGreaterThan(0);
    expect(await imports(["--from", today, "--to", today])).toBe(all);
    expect(await imports(["--to", yesterday])).toBe(0);
    expect(await imports(["--from", yesterday, "--to", yesterday])).toBe(0);
    const bad = await cli(["export-audit", "--from", "2026-13-45"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("from:");
  });
});
