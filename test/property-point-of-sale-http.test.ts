import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asAdmin, readCustomer } from "./dealer-api.support";
import { PURPOSE_FIELDS } from "./support/access-oracle";
import { createCredential, createCustomer, createDealer, dealerToken, putGrant, recordConsent, type Purpose } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { storedRecord, write } from "./point-of-sale.support";

/**
 * Contract 1.2 and 4.1 through the real HTTP stack: random sequences of point-of-sale writes, reads
 * by dealers with other purposes and narrower grants, consent withdrawals and restrictions. No read
 * ever carries a field outside its purpose and grant, no answer is a 5xx, and every purchase a dealer
 * registered has exactly one audit event that recorded it.
 */
const RUNS = 12;

interface Reader {
  token: string;
  purpose: Purpose;
  /** purpose ∩ grant */
  fields: string[];
}

let gw: TestGateway;
let writer: { id: string; name: string; token: string };
let readers: Reader[];

beforeAll(async () => {
  gw = await startTestGateway();
  const dealer = await createDealer(gw, { country: "FR" });
  await putGrant(gw, dealer.id, "record_accuracy", { write: true, fields: ["name", "purchases", "warranties", "marketingPreferences"] });
  writer = { id: dealer.id, name: dealer.name, token: await dealerToken(gw, await createCredential(gw, dealer.id)) };
  const reader = async (purpose: Purpose, fields?: string[]): Promise<Reader> => {
    const created = await createDealer(gw, { country: "FR" });
    await putGrant(gw, created.id, purpose, fields ? { fields } : {});
    return { token: await dealerToken(gw, await createCredential(gw, created.id)), purpose, fields: fields ?? PURPOSE_FIELDS[purpose]! };
  };
  readers = [
    { token: writer.token, purpose: "record_accuracy", fields: ["name", "purchases", "warranties", "marketingPreferences"] },
    await reader("service_delivery"),
    await reader("in_store_experience", ["name", "interests"]),
    await reader("record_accuracy", ["name", "birthDate"]),
  ];
});
afterAll(async () => {
  await gw?.stop();
});

const customerIndex = fc.nat({ max: 1 });
const key = fc.constantFrom("k1", "k2", "k3", "k4");
const action = fc.oneof(
  fc.record({ kind: fc.constant("purchase" as const), customer: customerIndex, key, amount: fc.constantFrom(100, 200) }),
  fc.record({ kind: fc.constant("warranty" as const), customer: customerIndex, key, serial: fc.constantFrom("SN-A", "SN-B"), extended: fc.boolean() }),
  fc.record({ kind: fc.constant("marketing" as const), customer: customerIndex, key, on: fc.boolean(), evidence: fc.boolean() }),
  fc.record({ kind: fc.constant("read" as const), customer: customerIndex, reader: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constant("withdraw" as const), customer: customerIndex }),
  fc.record({ kind: fc.constant("restrict" as const), customer: customerIndex }),
);

interface RunState {
  customers: { id: string; consentId: string; restricted: boolean }[];
  prefix: string;
}

async function setUp(): Promise<RunState> {
  const customers = [];
  for (let i = 0; i < 2; i++) {
    const customer = await createCustomer(gw);
    const consent = await recordConsent(gw, customer.id, { dealerId: writer.id, purposes: ["record_accuracy"] });
    customers.push({ id: customer.id, consentId: consent.id, restricted: false });
  }
  return { customers, prefix: randomUUID().slice(0, 8) };
}

async function grantReaders(state: RunState): Promise<void> {
  // Every reader dealer gets consent for its purpose, so that reads are allowed and their fields can be checked.
  const rows: { dealer_id: string; purpose_id: string }[] = await gw.dataSource.query(
    "SELECT dealer_id, purpose_id FROM dealer_grants WHERE revoked_at IS NULL AND dealer_id <> ?", [writer.id]);
  for (const customer of state.customers) {
    for (const row of rows) await recordConsent(gw, customer.id, { dealerId: row.dealer_id, purposes: [row.purpose_id as Purpose] });
  }
}

/** What the draws came to, so that the property is seen not to hold vacuously. */
const seen = { purchases: 0, reads: 0 };

async function perform(state: RunState, step: typeof action extends fc.Arbitrary<infer T> ? T : never): Promise<void> {
  const customer = state.customers[step.customer]!;
  const keyed = (k: string) => ({ key: `${state.prefix}-${k}` });
  let status: number;
  switch (step.kind) {
    case "purchase":
      status = (await write(gw, writer.token, customer.id, "purchases", { date: "2026-05-30", productRef: "REF-1", amount: step.amount, currency: "EUR" }, keyed(step.key))).status;
      expect([201, 404, 409, 422]).toContain(status);
      if (status === 201) seen.purchases += 1;
      return;
    case "warranty":
      status = (await write(gw, writer.token, customer.id, "warranties",
        { serialNumber: step.serial, productRef: "REF-1", startsOn: "2026-05-30", endsOn: step.extended ? "2030-05-30" : "2028-05-30", extended: step.extended }, keyed(step.key))).status;
      expect([201, 404, 409, 422]).toContain(status);
      return;
    case "marketing":
      status = (await write(gw, writer.token, customer.id, "marketing-preferences",
        { email: step.on, phone: false, post: step.on, sms: false, ...(step.evidence ? { evidenceRef: "SIGNED" } : {}) }, keyed(step.key))).status;
      expect([200, 400, 404, 422]).toContain(status);
      return;
    case "read": {
      const reader = readers[step.reader]!;
      const response = await readCustomer(gw, reader.token, customer.id, reader.purpose);
      expect([200, 404]).toContain(response.status);
      if (response.status === 200) {
        seen.reads += 1;
        for (const field of Object.keys(response.body.data)) expect(reader.fields, `${reader.purpose} released ${field}`).toContain(field);
      } else {
        expect(response.body.data).toBeUndefined();
      }
      return;
    }
    case "withdraw":
      await asAdmin(gw, "post", `/v1/admin/consents/${customer.consentId}/withdraw`, {});
      return;
    case "restrict":
      await asAdmin(gw, "post", `/v1/admin/customers/${customer.id}/${customer.restricted ? "unrestrict" : "restrict"}`);
      customer.restricted = !customer.restricted;
      return;
  }
}

/** Every purchase the dealer registered has exactly one allowed, non-replayed customer.purchase.record event naming it. */
async function expectEveryPurchaseAudited(state: RunState): Promise<void> {
  for (const customer of state.customers) {
    const record = await storedRecord(gw, customer.id);
    const purchases = ((record?.purchases ?? []) as { id: string; soldBy: string }[]).filter((purchase) => purchase.soldBy === writer.name);
    const events: { detail: string }[] = await gw.dataSource.query(
      "SELECT detail FROM audit_events WHERE action = 'customer.purchase.record' AND decision = 'allow' AND customer_id = ?", [customer.id]);
    const recorded = events.map((event) => JSON.parse(event.detail) as { purchaseId?: string; replayed?: boolean }).filter((detail) => !detail.replayed).map((detail) => detail.purchaseId);
    expect([...recorded].sort()).toEqual(purchases.map((purchase) => purchase.id).sort());
  }
}

describe("property: random point-of-sale writes and reads", () => {
  it("when any sequence runs, then no read leaves its purpose and grant, nothing fails, and every registered purchase has its one audit event", async () => {
    await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 4, maxLength: 14 }), async (steps) => {
      const state = await setUp();
      await grantReaders(state);
      for (const step of steps) await perform(state, step);
      await expectEveryPurchaseAudited(state);
    }), { numRuns: RUNS, seed: 4101 });
    expect(seen.purchases).toBeGreaterThan(3);
    expect(seen.reads).toBeGreaterThan(3);
  }, 300_000);
});
