import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditLog } from "../src/audit/audit-log";
import { runRetention } from "../src/retention/run-retention";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { auditOf } from "./dealer-api.support";
import { countRows, PURCHASE, storedRecord, WARRANTY, write } from "./point-of-sale.support";

/** Contract 4.1: the Idempotency-Key of every point-of-sale write. A POS on a flaky network retries, and a sale is never registered twice. */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
});

const HOUR = 60 * 60 * 1000;
const purchasesOf = async (customerId: string) => ((await storedRecord(gw, customerId))!.purchases as { id: string }[]);

describe("Idempotency-Key", () => {
  let access: DealerWithAccess;
  beforeAll(async () => {
    access = await dealerWithAccess(gw, "record_accuracy", { write: true });
  });

  it("when a write is retried with the same key and body, then the first response comes back, marked as replayed, and nothing more is written", async () => {
    const before = (await purchasesOf(access.customer.id)).length;
    const first = await write(gw, access.token, access.customer.id, "purchases", PURCHASE, { key: "pos-17-sale-0001" }).expect(201);
    // The same body with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(PURCHASE).reverse());
    const retry = await write(gw, access.token, access.customer.id, "purchases", reordered, { key: "pos-17-sale-0001" }).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    expect((await purchasesOf(access.customer.id)).length).toBe(before + 1);
    expect(await auditOf(gw, retry)).toMatchObject([{ action: "customer.purchase.record", decision: "allow", status: 201, fields: [], detail: { replayed: true } }]);
  });

  it("when the same key comes with another body, then 422 idempotency_key_reused and nothing is written", async () => {
    await write(gw, access.token, access.customer.id, "purchases", PURCHASE, { key: "pos-17-sale-0002" }).expect(201);
    const before = await storedRecord(gw, access.customer.id);
    const reused = await write(gw, access.token, access.customer.id, "purchases", { ...PURCHASE, amount: 99 }, { key: "pos-17-sale-0002" }).expect(422);
    expect(reused.body.code).toBe("idempotency_key_reused");
    expect(reused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(await storedRecord(gw, access.customer.id)).toEqual(before);
    // On another route or customer the key stands for another request too.
    expect((await write(gw, access.token, access.customer.id, "warranties", WARRANTY, { key: "pos-17-sale-0002" }).expect(422)).body.code).toBe("idempotency_key_reused");
  });

  it("when keys differ only in letter case, then they are two keys and two sales", async () => {
    const before = (await purchasesOf(access.customer.id)).length;
    await write(gw, access.token, access.customer.id, "purchases", PURCHASE, { key: "Case-Key" }).expect(201);
    await write(gw, access.token, access.customer.id, "purchases", PURCHASE, { key: "case-key" }).expect(201);
    expect((await purchasesOf(access.customer.id)).length).toBe(before + 2);
  });

  it("when two dealers use the same key, then each has its own", async () => {
    const other = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await write(gw, access.token, access.customer.id, "purchases", PURCHASE, { key: "shared-key" }).expect(201);
    await write(gw, other.token, other.customer.id, "purchases", { ...PURCHASE, amount: 5 }, { key: "shared-key" }).expect(201);
  });

  it("when 20 requests with one key arrive at once, then exactly one purchase is registered and every answer is that purchase", async () => {
    const fresh = await dealerWithAccess(gw, "record_accuracy", { write: true });
    const before = (await purchasesOf(fresh.customer.id)).length;
    const responses = await Promise.all(Array.from({ length: 20 }, () => write(gw, fresh.token, fresh.customer.id, "purchases", PURCHASE, { key: "burst-1" })));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    const ids = new Set(responses.map((response) => response.body.id));
    expect(ids.size).toBe(1);
    const purchases = await purchasesOf(fresh.customer.id);
    expect(purchases.length).toBe(before + 1);
    expect(purchases.at(-1)!.id).toBe([...ids][0]);
    expect(responses.filter((response) => response.headers["idempotent-replayed"] === "true")).toHaveLength(19);
    const audited: { n: number | string }[] = await gw.dataSource.query(
      "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'customer.purchase.record' AND customer_id = ? AND detail NOT LIKE '%replayed%'", [fresh.customer.id]);
    expect(Number(audited[0]!.n)).toBe(1);
  });

  it("when a refused write is retried with its key, then it runs again: only a completed write is remembered", async () => {
    const fresh = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await write(gw, fresh.token, fresh.customer.id, "marketing-preferences", { email: false, phone: false, post: false, sms: false }).expect(200);
    const optIn = { email: true, phone: false, post: false, sms: false };
    await write(gw, fresh.token, fresh.customer.id, "marketing-preferences", optIn, { key: "prefs-1" }).expect(400);
    await write(gw, fresh.token, fresh.customer.id, "marketing-preferences", { ...optIn, evidenceRef: "SIGNED-1" }, { key: "prefs-1" }).expect(200);
  });

  it("when 24 hours have passed, then the stored result is purged by the retention run and the key is free again", async () => {
    const fresh = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await write(gw, fresh.token, fresh.customer.id, "purchases", PURCHASE, { key: "old-key" }).expect(201);
    expect(await countRows(gw, "SELECT COUNT(*) AS n FROM idempotent_writes WHERE customer_id = ?", [fresh.customer.id])).toBe(1);
    const deps = { dataSource: gw.dataSource, audit: createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey), retentionYears: 10 };
    expect((await runRetention(deps, new Date(gw.clock.now.getTime() + 23 * HOUR))).purgedIdempotentResults).toBe(0);
    expect(await countRows(gw, "SELECT COUNT(*) AS n FROM idempotent_writes WHERE customer_id = ?", [fresh.customer.id])).toBe(1);
    const report = await runRetention(deps, new Date(gw.clock.now.getTime() + 24 * HOUR));
    expect(report.purgedIdempotentResults).toBeGreaterThanOrEqual(1);
    expect(await countRows(gw, "SELECT COUNT(*) AS n FROM idempotent_writes WHERE customer_id = ?", [fresh.customer.id])).toBe(0);
    expect(await countRows(gw, "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'idempotency.purge' AND request_id = ?", [report.runId])).toBe(1);
  });

  it("when a key's result is past 24 hours but not purged yet, then the key counts as new", async () => {
    const fresh = await dealerWithAccess(gw, "record_accuracy", { write: true });
    await write(gw, fresh.token, fresh.customer.id, "purchases", PURCHASE, { key: "stale-key" }).expect(201);
    gw.clock.advance(24 * HOUR + 1);
    try {
      const fresher = await gw.http.post("/oauth/token").type("form")
        .send({ grant_type: "client_credentials", client_id: fresh.credential.clientId, client_secret: fresh.credential.clientSecret }).expect(200);
      const again = await write(gw, fresher.body.access_token, fresh.customer.id, "purchases", { ...PURCHASE, amount: 7 }, { key: "stale-key" }).expect(201);
      expect(again.headers["idempotent-replayed"]).toBeUndefined();
      expect((await purchasesOf(fresh.customer.id)).filter((purchase) => purchase.id === again.body.id)).toHaveLength(1);
    } finally {
      gw.clock.advance(-(24 * HOUR + 1));
    }
  });
});
