import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { leafHash } from "../src/audit/merkle";
import { openBatch, parseEntries, BATCH_INSERT, signBatch, type PendingBatchRow } from "../src/audit/audit-batch";
import { generateAuditKey } from "../src/audit/audit-key";

/**
 * A write batch is accepted by the integrator on its MAC or its signature, and by verification on its
 * signature alone; a change to any byte of what either covers, or another key, refuses it.
 */
const key = generateAuditKey();
const events = Array.from({ length: 3 }, (_, i) => ({ id: randomUUID(), leaf: leafHash(Buffer.from(`event-${i}`)) }));

function row(params: unknown[]): PendingBatchRow {
  const columns = /\(([^)]*)\) VALUES/.exec(BATCH_INSERT)![1]!.split(", ");
  return Object.fromEntries(columns.map((column, i) => [column, params[i]])) as unknown as PendingBatchRow;
}

const signed = () => row(signBatch(key, events, "2026-11-30T10:00:00.000Z"));
const flip = (text: string, at = 5) => `${text.slice(0, at)}${text[at] === "0" ? "1" : "0"}${text.slice(at + 1)}`;
const integrator = { trustMac: true };
const verifier = { trustMac: false };
const ids = (opened: ReturnType<typeof openBatch>) => opened?.map((event) => event.id) ?? null;

describe("checking a signed write batch", () => {
  it("when the row is as written, then both the integrator and verification take its events", () => {
    expect(ids(openBatch(signed(), key, integrator))).toEqual(events.map((event) => event.id));
    expect(ids(openBatch(signed(), key, verifier))).toEqual(events.map((event) => event.id));
  });

  it("when the MAC is damaged but the signature holds, then the signature decides and the batch is taken", () => {
    const batch = { ...signed() };
    batch.mac = flip(batch.mac!);
    expect(ids(openBatch(batch, key, integrator))).toHaveLength(3);
    expect(ids(openBatch({ ...batch, mac: null }, key, integrator))).toHaveLength(3);
  });

  it("when the signature is damaged, then only the integrator, which holds the MAC's key, takes the batch; verification refuses it", () => {
    const batch = { ...signed() };
    batch.signature = flip(batch.signature, 3);
    expect(ids(openBatch(batch, key, integrator))).toHaveLength(3);
    expect(openBatch(batch, key, verifier)).toBeNull();
  });

  it("when an entry, the batch id or the key id changes, then neither check takes it", () => {
    const original = signed();
    for (const changed of [{ ...original, entries: flip(original.entries, 40) }, { ...original, batch_id: randomUUID() }, { ...original, key_id: flip(original.key_id, 0) }]) {
      expect(openBatch(changed, key, integrator)).toBeNull();
      expect(openBatch(changed, key, verifier)).toBeNull();
    }
  });

  it("when another key signed and MACed the batch, then it is refused even with this key's key id", () => {
    const other = generateAuditKey();
    const forged = { ...row(signBatch(other, events, "2026-11-30T10:00:00.000Z")), key_id: key.signer.keyId.toString("hex") };
    expect(openBatch(forged, key, integrator)).toBeNull();
    expect(openBatch(forged, key, verifier)).toBeNull();
  });

  it("when the MAC of one batch is put on another with the same events, then the MAC does not match and the forged signature fails", () => {
    const first = signed();
    const second = signed();
    expect(openBatch({ ...second, mac: first.mac, signature: first.signature }, key, integrator)).toBeNull();
  });
});

describe("reading a batch's entries", () => {
  const line = (event: { id: string; leaf: Buffer }) => `${event.id} ${event.leaf.toString("hex")}\n`;
  const text = events.map(line).join("");

  it("when every line is an event id and a leaf hash, then they come back in order", () => {
    expect(parseEntries(text)?.map((event) => [event.id, event.leaf.toString("hex")])).toEqual(events.map((event) => [event.id, event.leaf.toString("hex")]));
    expect(parseEntries("")).toEqual([]);
  });

  it.each([
    ["the last line lacks its newline", text.slice(0, -1)],
    ["a line ends in a carriage return", text.replace("\n", "\r\n")],
    ["a hash is in capitals", text.toUpperCase()],
    ["a hash is one digit short", text.replace(/ [0-9a-f]{64}\n/, (match) => match.slice(2))],
    ["a line carries more", text.replace("\n", " extra\n")],
    ["a blank line", `${text}\n`],
    ["a line is shifted by a space", ` ${text.slice(0, -1)}`],
  ])("when %s, then the entries are refused as a whole", (_, entries) => {
    expect(parseEntries(entries)).toBeNull();
  });
});
