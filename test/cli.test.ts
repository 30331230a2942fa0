import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../src/cli/cli-context";
import { runCommand, type CliRun } from "./support/cli";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { customerRecord } from "./support/fixtures";
import { startContender } from "./support/lock-contender";
import { startTestGateway, testAuditKeyPem, type TestGateway } from "./support/gateway";

let database: TestDatabase;
let gw: TestGateway;
let workDir: string;
const ACTOR = cliActor(process.env);

/** Runs the command line in this process, against the test database. */
const cli = (args: string[], stdin = ""): Promise<CliRun> => runCommand(args, { ...process.env, DATABASE_URL: database.url, AUDIT_SIGNING_KEY: testAuditKeyPem() }, stdin);

const auditOf = (action: string): Promise<Record<string, unknown>[]> =>
  gw.dataSource.query("SELECT actor_type, actor_id, action, dealer_id, customer_id, status, request_id, detail FROM audit_events WHERE action = ? ORDER BY seq", [action]);

beforeAll(async () => {
  database = await createTestDatabase();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-cli-"));
});
afterAll(async () => {
  await gw?.stop();
  await database?.drop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe("dealer-gateway migrate", () => {
  it("when the schema is not migrated, then other commands refuse with exit 1 and say what to do", async () => {
    const run = await cli(["create-dealer", "--name", "Too early", "--country", "FR"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("run `dealer-gateway migrate` first");
  });

  it("when migrate runs on an empty database, then every migration is applied and audited as the CLI user; a second run has nothing to do", async () => {
    const first = await cli(["--json", "migrate"]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).applied).toContain("InitialSchema1764028800000");
    const second = await cli(["migrate", "up"]);
    expect(second).toEqual({ code: 0, stdout: "the schema is up to date\n", stderr: "" });
    expect((await cli(["migrate", "down"])).code).toBe(2);
    gw = await startTestGateway({ database });
    const events = await auditOf("schema.migrate");
    expect(events).toEqual([expect.objectContaining({ actor_type: "system", actor_id: ACTOR })]);
    expect(ACTOR).toMatch(/^cli:.+/);
  });
});

describe("dealer-gateway create-admin and create-dealer", () => {
  it("when an admin is created with the password on stdin, then that user can sign in, and the creation is audited", async () => {
    const run = await cli(["--json", "create-admin", "--username", "ops-lead", "--roles", "crm_admin,compliance_auditor", "--password-stdin"], "a-long-enough-password\n");
    expect(run.code).toBe(0);
    const user = JSON.parse(run.stdout);
    expect(user).toEqual(expect.objectContaining({ username: "ops-lead", roles: ["crm_admin", "compliance_auditor"] }));
    expect(user.passwordHash).toBeUndefined();
    await gw.http.post("/v1/auth/login").send({ username: "ops-lead", password: "a-long-enough-password" }).expect(200);
    expect(await auditOf("user.create")).toEqual([expect.objectContaining({ actor_type: "system", actor_id: ACTOR, status: 201 })]);
  });

  it("when the input is invalid or the name taken, then nothing is created: exit 2 for bad input, 1 for the conflict", async () => {
    const bad = await cli(["create-admin", "--username", "x", "--roles", "root", "--password-stdin"], "short");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("password: must be at least 12 characters");
    const common = await cli(["create-admin", "--username", "ops-common", "--roles", "crm_admin", "--password-stdin"], "Password1234");
    expect(common.code).toBe(2);
    expect(common.stderr).toContain("password: is a commonly used password");
    expect(common.stderr).not.toContain("Password1234");
    const taken = await cli(["create-admin", "--username", "ops-lead", "--roles", "crm_admin", "--password-stdin"], "another-long-password");
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain("That username is taken");
    const noTerminal = await cli(["create-admin", "--username", "someone", "--roles", "crm_admin"]);
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toContain("--password-stdin");
  });

  it("when a dealer is created with a credential, then the secret is printed once and works at the token endpoint", async () => {
    const run = await cli(["--json", "create-dealer", "--name", "Maison Genève", "--country", "CH", "--with-credential"]);
    expect(run.code).toBe(0);
    const { dealer, credential } = JSON.parse(run.stdout);
    expect(dealer).toEqual(expect.objectContaining({ name: "Maison Genève", country: "CH", status: "active", transferSafeguard: null }));
    await gw.http.post("/oauth/token").auth(credential.clientId, credential.clientSecret).type("form").send({ grant_type: "client_credentials" }).expect(200);
    const stored: { secret_hash: string; created_by: string }[] = await gw.dataSource.query("SELECT secret_hash, created_by FROM dealer_credentials WHERE client_id = ?", [credential.clientId]);
    expect(stored[0]!.secret_hash).not.toContain(credential.clientSecret);
    expect(ACTOR.startsWith(stored[0]!.created_by)).toBe(true);
    expect((await auditOf("dealer.create")).at(-1)).toEqual(expect.objectContaining({ actor_type: "system", actor_id: ACTOR, dealer_id: dealer.id }));
    expect((await auditOf("credential.create")).at(-1)).toEqual(expect.objectContaining({ dealer_id: dealer.id, request_id: (await auditOf("dealer.create")).at(-1)!.request_id }));

    const outside = await cli(["--json", "create-dealer", "--name", "Ginza", "--country", "JP", "--safeguard", "scc"]);
    expect(JSON.parse(outside.stdout).dealer.transferSafeguard).toBe("scc");
    expect((await cli(["create-dealer", "--name", "Nowhere", "--country", "XX"])).code).toBe(2);
  });
});

describe("dealer-gateway import-customers", () => {
  it("when an NDJSON file holds good and bad lines, then the good ones are imported, the bad ones listed by line, and the exit code is 1", async () => {
    const good = customerRecord();
    const file = path.join(workDir, "customers.ndjson");
    fs.writeFileSync(file, [JSON.stringify(good), "", "{broken", JSON.stringify(customerRecord()), JSON.stringify({ ...customerRecord(), externalRef: good.externalRef })].join("\n"));
    const rejects = path.join(workDir, "rejects.ndjson");
    const run = await cli(["import-customers", file, "--rejects", rejects]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("4 customers read: 2 created, 0 updated, 2 rejected");
    expect(run.stdout).toContain("line 3: invalid JSON");
    expect(run.stdout).toContain("line 5: duplicate externalRef within the file (first on line 1)");
    expect(fs.readFileSync(rejects, "utf8").trim().split("\n").map((line) => JSON.parse(line).line)).toEqual([3, 5]);
    const admin = { Authorization: `Bearer ${await gw.adminToken()}` };
    const found = await gw.http.get("/v1/admin/customers").query({ externalRef: String(good.externalRef) }).set(admin).expect(200);
    expect(found.body.items).toHaveLength(1);
    expect((await auditOf("customer.import")).at(-1)).toEqual(expect.objectContaining({ actor_type: "system", actor_id: ACTOR }));
  });

  it("when a CSV file is imported, then its columns become the customer record, and importing it again updates", async () => {
    const file = path.join(workDir, "customers.csv");
    const ref = `CSV-${Date.now()}`;
    fs.writeFileSync(file, [
      "externalRef,name.given,name.family,email,phone,postalAddress.line1,postalAddress.postalCode,postalAddress.city,postalAddress.country,interests,marketingPreferences.email,marketingPreferences.phone,marketingPreferences.post,marketingPreferences.sms,purchases",
      `${ref},Amélie,"Durand, née Martin",amelie@example.com,+33 1 42 12 34 56,12 rue de la Paix,75002,Paris,FR,watches|pens,yes,no,true,0,"[{""id"":""P-1"",""date"":""2025-01-02"",""productRef"":""REF-1"",""soldBy"":""Paris""}]"`,
    ].join("\r\n"));
    const first = await cli(["--json", "import-customers", file]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual(expect.objectContaining({ created: 1, updated: 0, rejected: [] }));
    const admin = { Authorization: `Bearer ${await gw.adminToken()}` };
    const found = await gw.http.get("/v1/admin/customers").query({ externalRef: ref }).set(admin).expect(200);
    expect(found.body.items[0]).toEqual(expect.objectContaining({
      name: { given: "Amélie", family: "Durand, née Martin" }, phone: "+33142123456", interests: ["watches", "pens"],
      marketingPreferences: { email: true, phone: false, post: true, sms: false },
      postalAddress: { line1: "12 rue de la Paix", postalCode: "75002", city: "Paris", country: "FR" },
    }));
    const again = await cli(["--json", "import-customers", file]);
    expect(JSON.parse(again.stdout)).toEqual(expect.objectContaining({ created: 0, updated: 1 }));
  });

  it("when a CSV file names an unknown column or the file is missing, then nothing is imported and the exit code is 2", async () => {
    const file = path.join(workDir, "odd.csv");
    fs.writeFileSync(file, "externalRef,shoeSize\nX-1,42\n");
    const run = await cli(["import-customers", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown CSV columns: shoeSize");
    expect((await cli(["import-customers", path.join(workDir, "missing.ndjson")])).code).toBe(2);
  });
});

describe("dealer-gateway verify-audit, export-audit and retention", () => {
  it("when the audit log is intact, then verify-audit says so with exit 0 and is itself audited", async () => {
    const run = await cli(["--json", "verify-audit"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expect.objectContaining({ ok: true }));
    expect(await auditOf("audit.verify")).toEqual([expect.objectContaining({ actor_type: "system", actor_id: ACTOR })]);
  });

  it("when events are exported with filters, then the file holds exactly the matching events, as the API's export", async () => {
    const out = path.join(workDir, "audit.csv");
    const run = await cli(["export-audit", "--format", "csv", "--action", "dealer.create", "--out", out]);
    expect(run.code).toBe(0);
    const text = fs.readFileSync(out, "utf8");
    // A UTF-8 BOM first, for Excel; trim() would drop it, so it is checked before.
    expect(text.startsWith("\uFEFFid,at,")).toBe(true);
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe("id,at,actorType,actorId,action,dealerId,customerId,purpose,decision,reason,consentId,grantId,fields,status,requestId,ip,detail,leafIndex");
    expect(lines.slice(1)).toHaveLength((await auditOf("dealer.create")).length);
    for (const line of lines.slice(1)) expect(line).toContain(",dealer.create,");
    const ndjson = await cli(["export-audit", "--actor-id", ACTOR, "--decision", "allow"]);
    const events = ndjson.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(events.length).toBeGreaterThan(3);
    expect(new Set(events.map((event) => event.actorId))).toEqual(new Set([ACTOR]));
    expect((await auditOf("audit.export")).length).toBe(2);
    const bad = await cli(["export-audit", "--from", "last week"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("from:");
  });

  it("when retention runs as a dry run, then it reports and changes nothing; a real run is audited as the CLI user", async () => {
    const dry = await cli(["--json", "retention", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual(expect.objectContaining({ dryRun: true, retentionYears: 10, skipped: false }));
    const run = await cli(["retention"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("customers were erased");
  });

  it("when another process holds the retention lock, then retention exits 1 saying so, and runs once that process is gone", async () => {
    const leaseMs = 1000;
    const holder = startContender({ databaseUrl: database.url, label: "holder", name: "retention", leaseMs, holdMs: Infinity });
    try {
      await holder.reported("start");
      const refused = await cli(["retention"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("another process is running retention on this database");
    } finally {
      holder.process.kill("SIGKILL");
      await holder.exited;
    }
    // On MySQL the dead holder's lease has to run out; on SQLite its file lock went with it.
    await new Promise((resolve) => setTimeout(resolve, leaseMs + 500));
    expect((await cli(["retention"])).code).toBe(0);
  }, 30_000);
});

describe("usage", () => {
  it("when called without a command, with an unknown one or without a required option, then exit 2 with the reason on stderr", async () => {
    expect((await cli([])).code).toBe(2);
    const unknown = await cli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const missing = await cli(["create-dealer", "--name", "No country"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--country");
  });

  it("when --help is asked of any command, then it prints that command's usage with exit 0", async () => {
    for (const command of ["migrate", "create-admin", "create-dealer", "import-customers", "verify-audit", "verify-export", "export-audit", "retention"]) {
      const run = await cli([command, "--help"]);
      expect({ command, code: run.code }).toEqual({ command, code: 0 });
      expect(run.stdout).toContain(`Usage: dealer-gateway ${command}`);
    }
  });

  it("when the installed command is run, then it starts from any directory and exits with the command's code", () => {
    const bin = path.resolve(__dirname, "../bin/dealer-gateway");
    const help = spawnSync(bin, ["create-dealer", "--help"], { cwd: os.tmpdir(), encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--with-credential");
    const usage = spawnSync(bin, ["migrate", "sideways"], { cwd: os.tmpdir(), encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("direction must be up or down");
  });
});
