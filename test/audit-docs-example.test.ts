import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { verifyExport } from "../src/audit/verify-export";
import { openNote, parseVerifierKey } from "../src/audit/signed-note";

/** docs/audit.md's worked example must stay true: an independent reader checks the log with it. */
const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "audit.md"), "utf8");
const block = (marker: string) => {
  const match = new RegExp(`<!-- ${marker} -->\\n\`\`\`\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!match) throw new Error(`docs/audit.md lost its ${marker} block`);
  return match[1]!;
};

describe("the worked example in docs/audit.md", () => {
  const events = block("example-events");
  const checkpoint = block("example-checkpoint");
  const key = block("example-verifier-key").trim();

  it("when the two events are verified against the example checkpoint and key, then they are its whole tree", () => {
    const lines = events.trimEnd().split("\n").map((line, leafIndex) => JSON.stringify({ ...JSON.parse(line), leafIndex }));
    expect(verifyExport(lines.join("\n"), checkpoint, key)).toMatchObject({ ok: true, treeSize: 2, verified: 2 });
  });

  it("when the checkpoint is opened with the example key, then its root is the root the example states", () => {
    const text = openNote(checkpoint, parseVerifierKey(key));
    const root = /root:\s+([0-9a-f]{64})/.exec(block("example-hashes"))![1]!;
    expect(text).toBe(`example.com/dealer-gateway/audit\n2\n${Buffer.from(root, "hex").toString("base64")}\n`);
  });
});
