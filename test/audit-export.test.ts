import http from "node:http";
import { Writable } from "node:stream";
import type { Response } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPORT_PAGE_SIZE, writeWithBackpressure } from "../src/audit/audit-export";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { auditGet, eventsWhere, parseCsv, writeEvent } from "./audit.support";
import { countRows } from "./support/db-state";

const BULK = EXPORT_PAGE_SIZE * 2 + 500;
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
  for (let i = 0; i < BULK; i += 1) await writeEvent(gw, { action: "test.bulk", status: i });
  await writeEvent(gw, {
    action: "test.tricky", actorId: "+cmd", reason: '=HYPERLINK("http://x")', fields: ["@name", "email"],
    detail: { note: 'comma, "quote"\nnew line', formula: "-2+3" },
  });
}, 120_000);
afterAll(async () => {
  await gw?.stop();
});

/** Reads an export through a raw socket, pausing the reader so the server has to wait for it. */
function slowExport(path: string, token: string, accept: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${gw.url}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: accept } }, (response) => {
      const chunks: Buffer[] = [];
      response.pause();
      setTimeout(() => response.resume(), 300);
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, type: String(response.headers["content-type"]), body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

describe("audit export", () => {
  it("when NDJSON is asked for, then the whole filtered result streams, newest first, in pages", async () => {
    const response = await slowExport("/v1/audit/events?action=test.bulk", await gw.adminToken(), "application/x-ndjson");
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^application\/x-ndjson/);
    const lines = response.body.trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines).toHaveLength(BULK);
    expect(lines.map((event) => event.status)).toEqual(Array.from({ length: BULK }, (_, i) => BULK - 1 - i));
    expect(lines[0]).toMatchObject({ action: "test.bulk", actorType: "system", decision: "allow" });
  });

  it("when CSV is asked for, then a header row and one RFC 4180 record per event follow", async () => {
    const response = await auditGet(gw, "/v1/audit/events?action=test.bulk&decision=allow", 200, { Accept: "text/csv" });
    expect(response.headers["content-type"]).toMatch(/^text\/csv/);
    expect(response.headers["content-disposition"]).toMatch(/^attachment; filename="audit-events-\d{8}T\d{6}\.csv"$/);
    const rows = parseCsv(response.text);
    expect(rows[0]).toEqual([
      "id", "at", "actorType", "actorId", "action", "dealerId", "customerId", "purpose", "decision", "reason",
      "consentId", "grantId", "fields", "status", "requestId", "ip", "detail", "leafIndex",
    ]);
    expect(rows).toHaveLength(BULK + 1);
    expect(rows[1]![13]).toBe(String(BULK - 1));
  });

  it("when CSV is asked for, then it starts with a UTF-8 BOM and is comma-separated unless the client's first language lists with semicolons", async () => {
    const plain = await auditGet(gw, "/v1/audit/events?action=test.tricky", 200, { Accept: "text/csv" });
    expect(plain.text.startsWith("\uFEFFid,at,actorType,")).toBe(true);
    const dutch = await auditGet(gw, "/v1/audit/events?action=test.tricky", 200, { Accept: "text/csv", "Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5" });
    expect(dutch.text.startsWith("\uFEFFid;at;actorType;")).toBe(true);
    const [header, row] = parseCsv(dutch.text, ";") as [string[], string[]];
    expect(row[header.indexOf("reason")]).toBe(`'=HYPERLINK("http://x")`);
    expect(JSON.parse(row[header.indexOf("detail")]!)).toEqual({ note: 'comma, "quote"\nnew line', formula: "-2+3" });
    const english = await auditGet(gw, "/v1/audit/events?action=test.tricky", 200, { Accept: "text/csv", "Accept-Language": "en-GB, fr;q=0.8" });
    expect(english.text.startsWith("\uFEFFid,at,")).toBe(true);
  });

  it("when delimiter is given, then it wins over the language, is recorded, and is refused on another format", async () => {
    const asked = await auditGet(gw, "/v1/audit/events?action=test.tricky&delimiter=semicolon", 200, { Accept: "text/csv", "Accept-Language": "en" });
    expect(asked.text.startsWith("\uFEFFid;at;")).toBe(true);
    const [event] = await eventsWhere<{ detail: string }>(gw, "request_id = ?", [asked.headers["x-request-id"]]);
    expect(JSON.parse(event!.detail)).toEqual({ filters: { action: "test.tricky" }, format: "csv", delimiter: "semicolon" });
    const comma = await auditGet(gw, "/v1/audit/events?action=test.tricky&delimiter=comma", 200, { Accept: "text/csv", "Accept-Language": "fr-FR" });
    expect(comma.text.startsWith("\uFEFFid,at,")).toBe(true);
    const before = await countRows(gw, "audit_events");
    await auditGet(gw, "/v1/audit/events?action=test.tricky&delimiter=semicolon", 400, { Accept: "application/x-ndjson" });
    await auditGet(gw, "/v1/audit/events?action=test.tricky&delimiter=tab", 400, { Accept: "text/csv" });
    await auditGet(gw, "/v1/audit/events?delimiter=semicolon", 400);
    expect(await countRows(gw, "audit_events")).toBe(before);
  });

  it("when a cell starts like a formula or holds quotes, commas and line breaks, then it is neutralised and quoted", async () => {
    const response = await auditGet(gw, "/v1/audit/events?action=test.tricky", 200, { Accept: "text/csv" });
    const [header, row] = parseCsv(response.text) as [string[], string[]];
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell("actorId")).toBe("'+cmd");
    expect(cell("reason")).toBe(`'=HYPERLINK("http://x")`);
    expect(cell("fields")).toBe("'@name email");
    expect(JSON.parse(cell("detail")!)).toEqual({ note: 'comma, "quote"\nnew line', formula: "-2+3" });
    expect(response.text).toContain('"\'=HYPERLINK(""http://x"")"');
  });

  it("when an export is made, then an audit.export event with the filters and format was written first", async () => {
    const response = await auditGet(gw, "/v1/audit/events?action=test.tricky&decision=allow", 200, { Accept: "application/x-ndjson" });
    const [event] = await eventsWhere<{ action: string; detail: string }>(gw, "request_id = ?", [response.headers["x-request-id"]]);
    expect(event!.action).toBe("audit.export");
    expect(JSON.parse(event!.detail)).toEqual({ filters: { action: "test.tricky", decision: "allow" }, format: "ndjson" });
  });

  it("when an export's filters are invalid or it names a page, then 400 problem+json and nothing is written", async () => {
    const before = await countRows(gw, "audit_events");
    for (const query of ["customerId=nope", "limit=10", "cursor=abc"]) {
      const response = await auditGet(gw, `/v1/audit/events?${query}`, 400, { Accept: "text/csv" });
      expect(response.headers["content-type"]).toMatch(/application\/problem\+json/);
    }
    expect(await countRows(gw, "audit_events")).toBe(before);
  });

  it("when JSON is preferred over CSV, then JSON is answered", async () => {
    const response = await auditGet(gw, "/v1/audit/events?action=test.tricky", 200, { Accept: "application/json, text/csv;q=0.5" });
    expect(response.body.items).toHaveLength(1);
  });

  it("when the client goes away mid-export, then the gateway stops and keeps serving", async () => {
    const token = await gw.adminToken();
    await new Promise<void>((resolve, reject) => {
      const request = http.get(`${gw.url}/v1/audit/events?action=test.bulk`, { headers: { Authorization: `Bearer ${token}`, Accept: "text/csv" } }, (response) => {
        response.once("data", () => {
          request.destroy();
          resolve();
        });
      });
      request.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? resolve() : reject(error)));
    });
    await auditGet(gw, "/v1/audit/events?limit=1");
  });
});

describe("writeWithBackpressure", () => {
  it("when the consumer is slower than the producer, then writing waits for drain instead of buffering", async () => {
    const sink = new Writable({ highWaterMark: 64, write: (_chunk, _encoding, done) => setTimeout(done, 1) });
    let mostBuffered = 0;
    for (let i = 0; i < 200; i += 1) {
      expect(await writeWithBackpressure(sink as unknown as Response, "x".repeat(40))).toBe(true);
      mostBuffered = Math.max(mostBuffered, sink.writableLength);
    }
    expect(mostBuffered).toBeLessThanOrEqual(64 + 40);
  });

  it("when the consumer is gone, then writing reports it", async () => {
    const sink = new Writable({ highWaterMark: 1, write: () => undefined });
    const pending = writeWithBackpressure(sink as unknown as Response, "xx");
    sink.destroy();
    expect(await pending).toBe(false);
  });
});
