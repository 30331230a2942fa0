import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyExport } from "../src/audit/verify-export";
import { noteSigner, parseCheckpointText, openNote, parseVerifierKey, signNote, checkpointText } from "../src/audit/signed-note";
import { runCommand } from "./support/cli";
import { createCustomer } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { auditGet, integrate, writeEvent } from "./audit.support";

let gw: TestGateway;
let customerId: string;
let checkpoint: { note: string; verifierKey: string; treeSize: number };
let fullExport: string;
let workDir: string;

beforeAll(async () => {
  gw = await startTestGateway();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-offline-"));
  customerId = (await createCustomer(gw)).id;
  for (let i = 0; i < 6; i++) await writeEvent(gw, { action: "test.offline", customerId, fields: ["email"], detail: { i, note: "naïve ✓ \u2028" } });
  await integrate(gw);
  checkpoint = (await auditGet(gw, "/v1/audit/checkpoint", 200, { Accept: "application/json" })).body;
  fullExport = (await auditGet(gw, "/v1/audit/events", 200, { Accept: "application/x-ndjson" })).text;
});
afterAll(async () => {
  await gw?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

const lines = (ndjson: string) => ndjson.trimEnd().split("\n");
const covered = (ndjson: string) => lines(ndjson).filter((line) => {
  const { leafIndex } = JSON.parse(line) as { leafIndex: number | null };
  return leafIndex !== null && leafIndex < checkpoint.treeSize;
});

describe("verify-export", () => {
  it("when a whole export is checked against the checkpoint, then every leaf of its tree is verified", () => {
    expect(verifyExport(fullExport, checkpoint.note, checkpoint.verifierKey)).toMatchObject({ ok: true, treeSize: checkpoint.treeSize, verified: checkpoint.treeSize });
  });

  it("when a line is changed or missing, then the export is refused", () => {
    const [first, ...rest] = covered(fullExport);
    const changed = fullExport.replace(first!, first!.replace('"decision":"', '"decision":"x'));
    expect(verifyExport(changed, checkpoint.note, checkpoint.verifierKey)).toMatchObject({ ok: false });
    const edited = fullExport.replace(rest[0]!, rest[0]!.replace("test.offline", "test.offlinE"));
    expect(verifyExport(edited, checkpoint.note, checkpoint.verifierKey)).toMatchObject({ ok: false });
    const missing = fullExport.replace(`${rest[1]!}\n`, "");
    expect(verifyExport(missing, checkpoint.note, checkpoint.verifierKey)).toMatchObject({ ok: false, problem: expect.stringContaining("missing") });
    const duplicated = `${fullExport}${rest[2]!}\n`;
    expect(verifyExport(duplicated, checkpoint.note, checkpoint.verifierKey)).toMatchObject({ ok: false, problem: expect.stringContaining("twice") });
  });

  it("when the checkpoint is forged, or the key is another's, then the export is refused", () => {
    const stated = parseCheckpointText(openNote(checkpoint.note, parseVerifierKey(checkpoint.verifierKey))!)!;
    const forger = noteSigner(stated.origin, generateKeyPairSync("ed25519").privateKey);
    const forged = signNote(checkpointText(stated), forger);
    expect(verifyExport(fullExport, forged, checkpoint.verifierKey)).toMatchObject({ ok: false, problem: expect.stringContaining("not signed") });
    expect(verifyExport(fullExport, checkpoint.note.replace(/\n(\d+)\n/, (_, size) => `\n${Number(size) - 1}\n`), checkpoint.verifierKey)).toMatchObject({ ok: false });
    expect(verifyExport(fullExport, checkpoint.note, "not a key")).toMatchObject({ ok: false });
  });

  it("when one customer's events are exported with proofs, then each is proven against the checkpoint, and an edit is not", async () => {
    const subset = (await auditGet(gw, `/v1/audit/events?customerId=${customerId}&proofs=1&treeSize=${checkpoint.treeSize}`, 200, { Accept: "application/x-ndjson" })).text;
    const proven = covered(subset);
    expect(proven.length).toBeGreaterThanOrEqual(6);
    expect(verifyExport(subset, checkpoint.note, checkpoint.verifierKey)).toMatchObject({ ok: true, verified: proven.length });
    const tampered = subset.replace(proven[0]!, proven[0]!.replace('"fields":["email"]', '"fields":["name"]'));
    expect(verifyExport(tampered, checkpoint.note, checkpoint.verifierKey)).toMatchObject({ ok: false, problem: expect.stringContaining("not in the checkpoint") });
    await auditGet(gw, `/v1/audit/events?customerId=${customerId}&proofs=1`, 400, { Accept: "text/csv" });
    await auditGet(gw, `/v1/audit/events?proofs=1&treeSize=${checkpoint.treeSize + 1_000_000}`, 400, { Accept: "application/x-ndjson" });
  });

  it("when run as the CLI without a database, then it exits 0 for a good export and 1 for a changed one", async () => {
    const files = { note: path.join(workDir, "checkpoint.txt"), good: path.join(workDir, "good.ndjson"), bad: path.join(workDir, "bad.ndjson") };
    fs.writeFileSync(files.note, checkpoint.note);
    fs.writeFileSync(files.good, fullExport);
    fs.writeFileSync(files.bad, fullExport.replace(covered(fullExport)[0]!, covered(fullExport)[0]!.replace('"status":', '"status":1')));
    const run = (file: string) => runCommand(["verify-export", "--checkpoint", files.note, "--key", checkpoint.verifierKey, file], {});
    const good = await run(files.good);
    expect(good).toMatchObject({ code: 0, stdout: expect.stringContaining(`export verified: ${checkpoint.treeSize} events`) });
    expect((await run(files.bad)).code).toBe(1);
  });
});
