import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuditLog } from "../src/audit/audit-log";
import { problems } from "../src/http/problem";
import { createDealer, dealerWithAccess, recordConsent, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { countRows, PURCHASE, storedRecord, WARRANTY, write, type WriteRoute } from "./point-of-sale.support";

/** Contract 4.1: a point-of-sale write and its audit event commit together or not at all. */
const failing = new Set<string>();
const flakyAudit = (real: AuditLog): AuditLog => ({
  async record(input, manager) {
    if (failing.has(input.action)) throw problems.unavailable("The audit log cannot be written, so the request was not carried out");
    return real.record(input, manager);
  },
});

let gw: TestGateway;
let access: DealerWithAccess;
let otherDealerId: string;
beforeAll(async () => {
  gw = await startTestGateway({ audit: flakyAudit });
  access = await dealerWithAccess(gw, "record_accuracy", { write: true });
  otherDealerId = (await createDealer(gw)).id;
  await recordConsent(gw, access.customer.id, { dealerId: otherDealerId, purposes: ["service_delivery"] });
});
afterAll(async () => {
  await gw?.stop();
});
beforeEach(() => failing.clear());

const CASES: [WriteRoute, string, object][] = [
  ["purchases", "customer.purchase.record", PURCHASE],
  ["warranties", "customer.warranty.record", { ...WARRANTY, serialNumber: "SN-FAULT-1" }],
  ["marketing-preferences", "customer.marketing.update", { email: false, phone: false, post: false, sms: false }],
];

const stateOf = async () => ({
  record: await storedRecord(gw, access.customer.id),
  history: await countRows(gw, "SELECT COUNT(*) AS n FROM marketing_preference_history WHERE customer_id = ?", [access.customer.id]),
  feed: await countRows(gw, "SELECT COUNT(*) AS n FROM dealer_events WHERE customer_id = ?", [access.customer.id]),
  keys: await countRows(gw, "SELECT COUNT(*) AS n FROM idempotent_writes WHERE customer_id = ?", [access.customer.id]),
});

describe("when the audit event of a point-of-sale write cannot be written", () => {
  it.each(CASES)("then %s answers 503 and the write, its history, its feed events and its stored result roll back with the event; the retry then succeeds once", async (route, action, body) => {
    const before = await stateOf();
    failing.add(action);
    const refused = await write(gw, access.token, access.customer.id, route, body, { key: `fault-${route}` });
    expect(refused.status, refused.text).toBe(503);
    expect(refused.body.code).toBe("unavailable");
    expect(await stateOf()).toEqual(before);
    expect(await countRows(gw, "SELECT COUNT(*) AS n FROM audit_events WHERE request_id = ?", [refused.headers["x-request-id"]])).toBe(0);

    failing.clear();
    const retried = await write(gw, access.token, access.customer.id, route, body, { key: `fault-${route}` });
    expect(retried.status).toBeLessThan(300);
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
    const after = await stateOf();
    expect(after.keys).toBe(before.keys + 1);
    expect(after.record).not.toEqual(before.record);
  });
});
