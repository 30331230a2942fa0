import { startTestGateway } from "./support/gateway";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { emitDealerEvents } from "../src/consents/dealer-events";
import { problems } from "../src/http/problem";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import type { TestGateway } from "./support/gateway";
import { readCustomer } from "./dealer-api.support";

/** Audit actions whose writes fail, as when the audit table is unreachable. */
const failing = new Set<string>();
let gw: TestGateway;
let access: DealerWithAccess;
beforeAll(async () => {
  gw = await startTestGateway({
    audit: (real) => ({
      record: async (input, manager) => {
        if (failing.has(input.action)) throw problems.unavailable("The audit log cannot be written, so the request was not carried out");
        return real.record(input, manager);
      },
    }),
  });
  access = await dealerWithAccess(gw, "service_delivery");
});
afterEach(() => failing.clear());
afterAll(async () => {
  await gw?.stop();
});

const bearer = () => ({ Authorization: `Bearer ${access.token}` });

function expectNoData(response: { status: number; body: Record<string, unknown>; text: string }): void {
  expect(response.status).toBe(503);
  expect(response.body.code).toBe("unavailable");
  expect(response.text).not.toContain(access.customer.email!);
  expect(response.text).not.toContain(access.customer.name.family);
  expect(response.body).not.toHaveProperty("data");
  expect(response.body).not.toHaveProperty("matches");
  expect(response.body).not.toHaveProperty("items");
}

describe("when the audit event cannot be written, the dealer gets 503 and no data (contract 1.4)", () => {
  it("then an allowed read is refused, and it is served again once the audit log recovers", async () => {
    failing.add("customer.read");
    expectNoData(await readCustomer(gw, access.token, access.customer.id));
    failing.clear();
    await readCustomer(gw, access.token, access.customer.id).expect(200);
  });

  it("then refusals are 503 too, rather than their 400, 403 or 404", async () => {
    failing.add("customer.read");
    expectNoData(await readCustomer(gw, access.token, randomUUID()));
    expectNoData(await readCustomer(gw, access.token, access.customer.id, "record_accuracy"));
    expectNoData(await readCustomer(gw, access.token, access.customer.id, "marketing"));
  });

  it("then a lookup and a list return nothing", async () => {
    failing.add("customer.lookup").add("customer.list");
    expectNoData(await gw.http.post("/v1/customers/lookup?purpose=service_delivery").set(bearer()).send({ email: access.customer.email }));
    expectNoData(await gw.http.get("/v1/customers?purpose=service_delivery").set(bearer()));
  });

  it("then the consent-events feed is withheld and an acknowledgement is not stored", async () => {
    await emitDealerEvents(gw.dataSource.manager, [{ dealerId: access.dealer.id, type: "consent.withdrawn", customerId: access.customer.id, purpose: "service_delivery" }], gw.clock.read());
    const events = await gw.http.get("/v1/consent-events").set(bearer()).expect(200);
    const lastId = events.body.items.at(-1).id as string;
    failing.add("consent_events.read").add("consent_events.ack");
    expectNoData(await gw.http.get("/v1/consent-events").set(bearer()));
    expectNoData(await gw.http.post("/v1/consent-events/ack").set(bearer()).send({ upTo: lastId }));
    expect(await gw.dataSource.query("SELECT * FROM dealer_event_acks WHERE dealer_id = ?", [access.dealer.id])).toEqual([]);
  });

  it("then an admin access check is refused", async () => {
    failing.add("access.check");
    const response = await gw.http.post("/v1/admin/access-check").auth(await gw.adminToken(), { type: "bearer" })
      .send({ dealerId: access.dealer.id, customerId: access.customer.id, purpose: "service_delivery" });
    expect(response.status).toBe(503);
    expect(response.body.allow).toBeUndefined();
  });
});
