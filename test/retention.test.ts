import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { createAuditLog } from "../src/audit/audit-log";
import { createDataSource } from "../src/db/data-source";
import { runRetention } from "../src/retention/run-retention";
import { createCustomer, createCredential, createDealer, dealerToken, putGrant, recordConsent, type CredentialBody, type Purpose } from "./support/fixtures";
import { createTestDatabase, TEST_DB } from "./support/databases";
import { startTestGateway, TestClock, type TestGateway } from "./support/gateway";
import { holdLock } from "./support/lock-rows";

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date("2026-06-01T10:00:00.000Z");

let gw: TestGateway;
let admin: { Authorization: string };
beforeAll(async () => {
  gw = await startTestGateway({ clock: new TestClock(new Date(T0)) });
  admin = { Authorization: `Bearer ${await gw.adminToken()}` };
});
afterAll(async () => {
  await gw?.stop();
});

const retention = (dataSource: DataSource = gw.dataSource, options: { dryRun?: boolean } = {}) =>
  runRetention({ dataSource, audit: createAuditLog(dataSource, gw.clock.read, gw.gateway.auditKey), retentionYears: 10 }, gw.clock.read(), options);

/** Moves the gateway clock to a moment after T0. */
const moveTo = (at: Date) => {
  gw.clock.now = new Date(at);
};

async function feedOf(credential: CredentialBody): Promise<{ type: string; customerId?: string; purpose?: string }[]> {
  const token = await dealerToken(gw, credential);
  const response = await gw.http.get("/v1/consent-events").query({ limit: 500 }).set("Authorization", `Bearer ${token}`).expect(200);
  return response.body.items;
}

async function dealerWithGrants(purposes: Purpose[]) {
  const dealer = await createDealer(gw);
  for (const purpose of purposes) await putGrant(gw, dealer.id, purpose);
  return { dealer, credential: await createCredential(gw, dealer.id) };
}

const auditRows = (action: string, column: "consent_id" | "customer_id", id: string): Promise<Record<string, unknown>[]> =>
  gw.dataSource.query(`SELECT action, actor_type, actor_id, dealer_id, customer_id, consent_id, purpose, decision FROM audit_events WHERE action = ? AND ${column} = ? ORDER BY seq`, [action, id]);

describe("retention: expired consents", () => {
  it("when a consent's expiry passes, then its dealer gets one consent.expired per purpose, however often retention runs", async () => {
    moveTo(T0);
    const { dealer, credential } = await dealerWithGrants(["service_delivery", "in_store_experience"]);
    const customer = await createCustomer(gw);
    const consent = await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery", "in_store_experience"], expiresAt: new Date(T0.getTime() + DAY).toISOString() });

    const early = await retention();
    expect(early.expiredConsents.filter((entry) => entry.consentId === consent.id)).toEqual([]);

    moveTo(new Date(T0.getTime() + 2 * DAY));
    const first = await retention();
    expect(first.expiredConsents.filter((entry) => entry.consentId === consent.id).map((entry) => entry.purpose).sort()).toEqual(["in_store_experience", "service_delivery"]);
    const second = await retention();
    expect(second.expiredConsents.filter((entry) => entry.consentId === consent.id)).toEqual([]);

    const expired = (await feedOf(credential)).filter((event) => event.type === "consent.expired");
    expect(expired).toEqual([
      expect.objectContaining({ customerId: customer.id, purpose: "in_store_experience" }),
      expect.objectContaining({ customerId: customer.id, purpose: "service_delivery" }),
    ]);
    const audited = await auditRows("retention.consent_expired", "consent_id", consent.id);
    expect(audited).toHaveLength(2);
    expect(audited[0]).toEqual(expect.objectContaining({ actor_type: "system", actor_id: "system:retention", dealer_id: dealer.id, customer_id: customer.id, decision: "allow" }));
    const rows: { expiry_announced_at: string | null }[] = await gw.dataSource.query("SELECT expiry_announced_at FROM consent_purposes WHERE consent_id = ?", [consent.id]);
    expect(rows.map((row) => row.expiry_announced_at)).toEqual([first.ranAt, first.ranAt]);
  });

  it("when a purpose was withdrawn before its expiry, then its dealer is not told it expired; the purpose still held is announced", async () => {
    moveTo(new Date(T0.getTime() + 3 * DAY));
    const { dealer, credential } = await dealerWithGrants(["service_delivery", "record_accuracy"]);
    const customer = await createCustomer(gw);
    const consent = await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery", "record_accuracy"], expiresAt: new Date(T0.getTime() + 4 * DAY).toISOString() });
    await gw.http.post(`/v1/admin/consents/${consent.id}/withdraw`).set(admin).send({ purposes: ["record_accuracy"] }).expect(200);
    moveTo(new Date(T0.getTime() + 5 * DAY));
    const report = await retention();
    expect(report.expiredConsents.filter((entry) => entry.consentId === consent.id).map((entry) => entry.purpose)).toEqual(["service_delivery"]);
    const types = (await feedOf(credential)).map((event) => `${event.type} ${event.purpose}`);
    expect(types.filter((type) => type.startsWith("consent.expired"))).toEqual(["consent.expired service_delivery"]);
  });

  it("when two runs start at once (on MySQL from two connection pools, as two processes would), then each expiry is still announced exactly once", async () => {
    moveTo(new Date(T0.getTime() + 6 * DAY));
    const { dealer } = await dealerWithGrants(["service_delivery"]);
    const customers = await Promise.all([createCustomer(gw), createCustomer(gw), createCustomer(gw)]);
    for (const customer of customers) {
      await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"], expiresAt: new Date(T0.getTime() + 7 * DAY).toISOString() });
    }
    moveTo(new Date(T0.getTime() + 8 * DAY));
    // Two SQLite connections in one process would block each other's thread; SQLite serves one process anyway.
    const other = TEST_DB === "mysql" ? createDataSource(gw.database.url, 2) : gw.dataSource;
    if (!other.isInitialized) await other.initialize();
    try {
      const reports = await Promise.all([retention(), retention(other)]);
      const announced = reports.flatMap((report) => report.expiredConsents).filter((entry) => entry.dealerId === dealer.id);
      expect(announced).toHaveLength(3);
    } finally {
      if (other !== gw.dataSource) await other.destroy();
    }
    const events: { n: number | string }[] = await gw.dataSource.query("SELECT COUNT(*) AS n FROM dealer_events WHERE dealer_id = ? AND type = 'consent.expired'", [dealer.id]);
    expect(Number(events[0]!.n)).toBe(3);
  });
});

describe.skipIf(TEST_DB !== "mysql")("retention: one run at a time per MySQL database", () => {
  it("when another process holds this database's retention lock, then a run skips; another database's lock does not get in the way", async () => {
    const mysql = await import("mysql2/promise");
    const same = await mysql.createConnection(gw.database.url);
    const otherDatabase = await createTestDatabase("mysql");
    const other = await mysql.createConnection(otherDatabase.url);
    try {
      const release = await holdLock(same, "retention");
      expect((await retention()).skipped).toBe(true);
      await release();
      const releaseOther = await holdLock(other, "retention");
      try {
        expect((await retention()).skipped).toBe(false);
      } finally {
        await releaseOther();
      }
    } finally {
      await same.end();
      await other.end();
      await otherDatabase.drop();
    }
  });
});

describe("retention: customers past the retention period", () => {
  it("when ten years pass without activity, then the customer is erased like an admin erase; recent activity, a live consent, a running warranty or a restriction keeps it", async () => {
    moveTo(new Date(T0.getTime() + 10 * DAY));
    const oldRecord = {
      purchases: [{ id: "P-OLD", date: "2016-02-01", productRef: "REF-1", soldBy: "Paris" }],
      warranties: [{ serialNumber: "SN-OLD", productRef: "REF-1", startsOn: "2016-02-01", endsOn: "2021-02-01", extended: false }],
      serviceOrders: [],
    };
    const { dealer, credential } = await dealerWithGrants(["service_delivery"]);
    const old = await createCustomer(gw, oldRecord);
    const recent = await createCustomer(gw, oldRecord);
    const consenting = await createCustomer(gw, oldRecord);
    const withdrew = await createCustomer(gw, oldRecord);
    const expired = await createCustomer(gw, oldRecord);
    const warranty = await createCustomer(gw, { ...oldRecord, warranties: [{ serialNumber: "SN-W", productRef: "REF-2", startsOn: "2026-06-01", endsOn: "2031-06-01", extended: true }] });
    const restricted = await createCustomer(gw, oldRecord);
    await recordConsent(gw, consenting.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
    const withdrawn = await recordConsent(gw, withdrew.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
    await recordConsent(gw, expired.id, { dealerId: dealer.id, purposes: ["service_delivery"], expiresAt: new Date(T0.getTime() + 40 * DAY).toISOString() });
    moveTo(new Date(T0.getTime() + 20 * DAY));
    await gw.http.post(`/v1/admin/consents/${withdrawn.id}/withdraw`).set(admin).send({}).expect(200);
    await gw.http.post(`/v1/admin/customers/${restricted.id}/restrict`).set(admin).expect(200);

    const tenAndAHalfYears = new Date("2036-12-01T10:00:00.000Z");
    moveTo(tenAndAHalfYears);
    await gw.http.patch(`/v1/admin/customers/${recent.id}`).set(admin)
      .send({ purchases: [{ id: "P-NEW", date: "2036-12-01", productRef: "REF-9", soldBy: "Genève" }] }).expect(200);

    moveTo(new Date("2037-06-15T10:00:00.000Z"));
    const ours = (ids: string[]) => ids.filter((id) => [old, recent, consenting, withdrew, expired, warranty, restricted].some((c) => c.id === id)).sort();
    const due = [old.id, withdrew.id, expired.id].sort();

    const dry = await retention(gw.dataSource, { dryRun: true });
    expect(ours(dry.erased.map((entry) => entry.customerId))).toEqual(due);
    const untouched: { status: string }[] = await gw.dataSource.query("SELECT status FROM customers WHERE id = ?", [old.id]);
    expect(untouched).toEqual([{ status: "active" }]);

    const report = await retention();
    expect(report.cutoff).toBe("2027-06-15T10:00:00.000Z");
    expect(ours(report.erased.map((entry) => entry.customerId))).toEqual(due);
    expect(ours(report.keptRestricted)).toEqual([restricted.id]);

    for (const id of due) {
      const rows: Record<string, unknown>[] = await gw.dataSource.query("SELECT status, profile, external_ref, email_normalized, phone, erased_at FROM customers WHERE id = ?", [id]);
      expect(rows).toEqual([{ status: "erased", profile: null, external_ref: null, email_normalized: null, phone: null, erased_at: report.ranAt }]);
      const audited = await auditRows("retention.erase", "customer_id", id);
      expect(audited).toEqual([expect.objectContaining({ actor_type: "system", actor_id: "system:retention", decision: "allow" })]);
      expect(await auditRows("customer.create", "customer_id", id)).toHaveLength(1);
    }
    for (const kept of [recent, consenting, warranty, restricted]) {
      const rows: { status: string }[] = await gw.dataSource.query("SELECT status FROM customers WHERE id = ?", [kept.id]);
      expect(rows[0]!.status).not.toBe("erased");
    }
    const tombstone = await gw.http.get(`/v1/admin/customers/${old.id}`).set(admin).expect(200);
    expect(tombstone.body).toEqual({ id: old.id, status: "erased", createdAt: expect.any(String), erasedAt: report.ranAt });

    const feed = await feedOf(credential);
    const erasedEvents = feed.filter((event) => event.type === "customer.erased").map((event) => event.customerId).sort();
    expect(erasedEvents).toEqual([withdrew.id, expired.id].sort());

    const again = await retention();
    expect(ours(again.erased.map((entry) => entry.customerId))).toEqual([]);
  });
});

describe("retention: more than a page of work", () => {
  it("when hundreds of expiries and erasures are due, then every one is handled once, across pages", async () => {
    moveTo(new Date("2040-01-01T00:00:00.000Z"));
    const { dealer } = await dealerWithGrants(["service_delivery"]);
    const holder = await createCustomer(gw, { purchases: [], warranties: [], serviceOrders: [] });
    const consentIds = Array.from({ length: 620 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`);
    const at = "2040-01-01T00:00:00.000Z";
    for (let start = 0; start < consentIds.length; start += 200) {
      const slice = consentIds.slice(start, start + 200);
      await gw.dataSource.query(
        `INSERT INTO consents (id, customer_id, dealer_id, channel, evidence_ref, policy_version, expires_at, created_at, created_by) VALUES ${slice.map(() => "(?, ?, ?, 'web', 'EV', '2021-04', ?, ?, 'test')").join(", ")}`,
        slice.flatMap((id) => [id, holder.id, dealer.id, "2040-06-01T00:00:00.000Z", at]),
      );
      await gw.dataSource.query(
        `INSERT INTO consent_purposes (consent_id, purpose_id, customer_id, dealer_id, expires_at) VALUES ${slice.map(() => "(?, 'service_delivery', ?, ?, ?)").join(", ")}`,
        slice.flatMap((id) => [id, holder.id, dealer.id, "2040-06-01T00:00:00.000Z"]),
      );
    }
    const lines = Array.from({ length: 230 }, () => JSON.stringify({ externalRef: `BULK-${Math.random().toString(36).slice(2)}`, name: { given: "A", family: "B" } }));
    const imported = await gw.http.post("/v1/admin/customers/import").set(admin).set("Content-Type", "application/x-ndjson").send(lines.join("\n")).expect(200);
    expect(imported.body.created).toBe(230);

    moveTo(new Date("2041-01-01T00:00:00.000Z"));
    const first = await retention();
    expect(first.expiredConsents.filter((entry) => entry.dealerId === dealer.id)).toHaveLength(620);
    expect((await retention()).expiredConsents).toEqual([]);

    moveTo(new Date("2051-01-01T00:00:00.000Z"));
    const report = await retention();
    const erased = new Set(report.erased.map((entry) => entry.customerId));
    expect(erased.size).toBe(report.erased.length);
    expect(erased.has(holder.id)).toBe(true);
    const importedIds: { id: string }[] = await gw.dataSource.query("SELECT id FROM customers WHERE created_at = ? AND id <> ?", ["2040-01-01T00:00:00.000Z", holder.id]);
    expect(importedIds).toHaveLength(230);
    for (const { id } of importedIds) expect(erased.has(id), id).toBe(true);
  }, 90_000);
});
