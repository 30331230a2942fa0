import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditGet } from "./audit.support";
import { createCredential, createCustomer, createDealer, dealerToken, putGrant, recordConsent, type DealerBody } from "./support/fixtures";
import { startTestGateway, TestClock, type TestGateway } from "./support/gateway";
import { answer, startReceiver, verifies, verifyDelivery, type WebhookReceiver } from "./support/webhook-receiver";
import { deliveries, eventually, putWebhook, WEBHOOK_TEST_ENV, webhookAuditEvents, webhookStatus } from "./webhooks.support";

/**
 * Contract 5, dealer webhooks: each feed event is POSTed as a Standard Webhooks 1.0 message that the
 * official `standardwebhooks` package verifies; failures are retried with backoff on the gateway's
 * clock and disable the webhook after the retry window; a PUT rotates the secret at once.
 */

let gw: TestGateway;
let receiver: WebhookReceiver;
const auth = async () => ({ Authorization: `Bearer ${await gw.adminToken()}` });

beforeAll(async () => {
  gw = await startTestGateway({ clock: new TestClock(new Date()), env: WEBHOOK_TEST_ENV });
  receiver = await startReceiver();
});
afterAll(async () => {
  await gw?.stop();
  await receiver?.close();
});

/** A dealer with a webhook to `url` and a customer it may be told about. */
async function hookedDealer(url: string) {
  const dealer = await createDealer(gw);
  const hook = await putWebhook(gw, dealer.id, url);
  const customer = await createCustomer(gw);
  return { dealer, hook, customer };
}

async function withdrawal(dealer: DealerBody, customerId: string) {
  const consent = await recordConsent(gw, customerId, { dealerId: dealer.id, purposes: ["service_delivery"] });
  await gw.http.post(`/v1/admin/consents/${consent.id}/withdraw`).set(await auth()).send({}).expect(200);
  return consent;
}

/** Moves the gateway clock to the delivery's next attempt and waits for that attempt to be recorded. */
async function nextAttempt(dealerId: string): Promise<void> {
  const [row] = await deliveries(gw, dealerId);
  const before = row!.attempts;
  gw.clock.now = new Date(Date.parse(row!.next_attempt_at));
  await eventually(() => deliveries(gw, dealerId), (rows) => rows[0]!.attempts > before || rows[0]!.status !== "pending", "the next attempt");
}

describe("admin routes", () => {
  it("when a webhook is PUT, then the answer shows a whsec_ secret once, GET shows it active without the secret, and the secret is not stored in clear", async () => {
    const dealer = await createDealer(gw);
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/webhook`).set(await auth()).send({ url: receiver.url }).expect(200);
    expect(response.body.url).toBe(receiver.url);
    expect(response.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(response.body.secret.slice(6), "base64").length).toBeGreaterThanOrEqual(24);
    expect(response.headers["cache-control"]).toContain("no-store");

    const status = await webhookStatus(gw, dealer.id);
    expect(status).toEqual({ url: receiver.url, status: "active", pending: 0 });
    const [stored] = await gw.dataSource.query("SELECT secret FROM dealer_webhooks WHERE dealer_id = ?", [dealer.id]);
    expect(stored.secret).not.toContain(response.body.secret.slice(6));
    const [event] = await webhookAuditEvents(gw, dealer.id);
    expect(event).toMatchObject({ action: "webhook.put", decision: "allow" });
    expect(event!.detail).not.toContain(response.body.secret);
    expect(event!.detail).not.toContain(receiver.url);
  });

  it.each([
    ["a missing url", {}],
    ["a url that is not a string", { url: 42 }],
    ["an unknown field", { url: "https://dealer.example.com/hooks", extra: true }],
    ["a relative url", { url: "/hooks" }],
    ["an ftp: url", { url: "ftp://dealer.example.com/hooks" }],
    ["plain http: to a host not allowed", { url: "http://dealer.example.com/hooks" }],
    ["credentials in the url", { url: "https://user:pw@dealer.example.com/hooks" }],
    ["a url over 2048 characters", { url: `https://dealer.example.com/${"a".repeat(2048)}` }],
  ])("when the PUT body has %s, then 400 validation_failed and nothing is written", async (_name, body) => {
    const dealer = await createDealer(gw);
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/webhook`).set(await auth()).send(body);
    expect(response.status, response.text).toBe(400);
    expect(response.body.code).toBe("validation_failed");
    expect(await gw.dataSource.query("SELECT dealer_id FROM dealer_webhooks WHERE dealer_id = ?", [dealer.id])).toEqual([]);
    expect(await webhookAuditEvents(gw, dealer.id)).toEqual([]);
  });

  it("when the dealer id is not a UUID, the dealer is unknown, or it has no webhook, then 400 or 404 and nothing is written", async () => {
    const headers = await auth();
    expect((await gw.http.put("/v1/admin/dealers/not-a-uuid/webhook").set(headers).send({ url: receiver.url })).status).toBe(400);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await gw.http.put(`/v1/admin/dealers/${unknown}/webhook`).set(headers).send({ url: receiver.url })).status).toBe(404);
    const dealer = await createDealer(gw);
    expect((await gw.http.get(`/v1/admin/dealers/${dealer.id}/webhook`).set(headers)).status).toBe(404);
    expect((await gw.http.delete(`/v1/admin/dealers/${dealer.id}/webhook`).set(headers)).status).toBe(404);
    expect((await gw.http.post(`/v1/admin/dealers/${dealer.id}/webhook/deliveries/abc/replay`).set(headers).send({})).status).toBe(400);
    expect((await gw.http.get(`/v1/admin/dealers/${dealer.id}/webhook/deliveries?limit=0`).set(headers)).status).toBe(400);
    expect(await gw.dataSource.query("SELECT dealer_id FROM dealer_webhooks WHERE dealer_id IN (?, ?)", [unknown, dealer.id])).toEqual([]);
  });

  it("when the webhook is deleted, then GET is 404, and later events are neither queued nor sent", async () => {
    const { dealer, customer } = await hookedDealer(receiver.url);
    await gw.http.delete(`/v1/admin/dealers/${dealer.id}/webhook`).set(await auth()).expect(204);
    await gw.http.get(`/v1/admin/dealers/${dealer.id}/webhook`).set(await auth()).expect(404);
    await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
    expect(await deliveries(gw, dealer.id)).toEqual([]);
    expect((await webhookAuditEvents(gw, dealer.id)).map((e) => e.action)).toEqual(["webhook.put", "webhook.delete"]);
  });
});

describe("delivery", () => {
  it("when feed events are created, then each is POSTed once as a Standard Webhooks message that standardwebhooks verifies, with the feed event as data and no personal data", async () => {
    const { dealer, hook, customer } = await hookedDealer(receiver.url);
    const credential = await createCredential(gw, dealer.id);
    await putGrant(gw, dealer.id, "service_delivery");
    const before = receiver.received.length;
    await withdrawal(dealer, customer.id);

    const got = (await receiver.waitFor(before + 2)).slice(before).filter((r) => JSON.parse(r.body).data.customerId === customer.id);
    expect(got).toHaveLength(2);
    const feed = await gw.http.get("/v1/consent-events").auth(await dealerToken(gw, credential), { type: "bearer" }).expect(200);
    // Up to WEBHOOK_CONCURRENCY_PER_DEALER deliveries are in flight at once, so arrival order is not promised.
    expect(got.map((r) => r.id).sort()).toEqual(feed.body.items.map((e: { id: string }) => e.id).sort());
    for (const received of got) {
      const verified = verifyDelivery(hook.secret, received) as { type: string; timestamp: string; data: Record<string, unknown> };
      const event = feed.body.items.find((e: { id: string }) => e.id === received.id);
      expect(verified).toEqual({ type: event.type, timestamp: event.at, data: event });
      expect(received.body).not.toContain(customer.email!);
      expect(received.body).not.toContain(customer.name.family);
    }
    expect(got.map((r) => JSON.parse(r.body).type).sort()).toEqual(["consent.granted", "consent.withdrawn"]);

    const rows = await eventually(() => deliveries(gw, dealer.id), (r) => r.every((row) => row.status === "delivered"), "deliveries settled");
    expect(rows.map((row) => [row.attempts, row.last_status])).toEqual([[1, 204], [1, 204]]);
    const status = await webhookStatus(gw, dealer.id);
    expect(status).toMatchObject({ status: "active", pending: 0 });
    expect(status.lastDeliveryAt).toBeDefined();
    const audited = (await webhookAuditEvents(gw, dealer.id)).filter((e) => e.action === "webhook.delivery");
    expect(audited.map((e) => [e.decision, e.status, JSON.parse(e.detail).attempt])).toEqual([["allow", 204, 1], ["allow", 204, 1]]);
    expect(audited.map((e) => JSON.parse(e.detail).eventId).sort()).toEqual(got.map((r) => r.id).sort());

    const metrics = await gw.http.get("/metrics").expect(200);
    expect(metrics.text).toMatch(/webhook_delivery_attempts_total\{outcome="delivered"\} [1-9]/);
    expect(metrics.text).toContain("webhook_delivery_latency_seconds_bucket");
    expect(metrics.text).toContain("webhook_queue_depth");
  });

  it("when the receiver keeps failing, then it is retried with growing delays on the gateway clock, and after 24 hours the webhook is disabled and pending purges say so", async () => {
    const failing = await startReceiver(answer(500, "down for maintenance"));
    try {
      const { dealer, customer } = await hookedDealer(failing.url);
      const start = gw.clock.now.getTime();
      await withdrawal(dealer, customer.id);
      await gw.http.delete(`/v1/admin/dealers/${dealer.id}/webhook`).set(await auth()).expect(204);
      await putWebhook(gw, dealer.id, failing.url);
      const consent = await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["in_store_experience"] });
      await gw.http.post(`/v1/admin/consents/${consent.id}/withdraw`).set(await auth()).send({}).expect(200);
      await failing.waitFor(2);
      await eventually(() => deliveries(gw, dealer.id), (r) => r.length === 2 && r.every((row) => row.attempts === 1), "first attempts");
      expect(await webhookStatus(gw, dealer.id)).toMatchObject({ status: "failing", pending: 2, lastFailure: { error: "HTTP 500" } });

      const gaps: number[] = [];
      let last = gw.clock.now.getTime();
      while ((await deliveries(gw, dealer.id))[0]!.status === "pending") {
        await nextAttempt(dealer.id);
        gaps.push(gw.clock.now.getTime() - last);
        last = gw.clock.now.getTime();
        expect(gaps.length).toBeLessThan(100);
      }
      expect(gaps[1]!).toBeGreaterThan(gaps[0]!);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(1.2 * 3_600_000);
      expect(gw.clock.now.getTime() - start).toBeGreaterThanOrEqual(24 * 3_600_000);

      const rows = await deliveries(gw, dealer.id);
      expect(rows.map((row) => row.status)).toEqual(["abandoned", "abandoned"]);
      // The other delivery may run out first and abandon this one before its last attempt.
      expect(rows[0]!.attempts).toBeGreaterThanOrEqual(gaps.length);
      expect(rows[0]!.last_response).toBe("down for maintenance");
      const status = await webhookStatus(gw, dealer.id);
      expect(status).toMatchObject({ status: "disabled", pending: 0, lastFailure: { error: "HTTP 500" } });
      const purges = await auditGet(gw, `/v1/audit/dealers/${dealer.id}/pending-purges`);
      expect(purges.body.webhook).toEqual({ status: "disabled", disabledAt: gw.clock.now.toISOString() });
      const all = await auditGet(gw, "/v1/audit/pending-purges");
      expect(all.body.items.find((item: { dealerId: string }) => item.dealerId === dealer.id)).toMatchObject({ webhookStatus: "disabled" });

      const audited = (await webhookAuditEvents(gw, dealer.id)).filter((e) => e.action === "webhook.delivery");
      const first = audited.filter((e) => JSON.parse(e.detail).deliveryId === String(rows[0]!.id));
      // An attempt that ends just as the other delivery disables the webhook is audited, though the row is abandoned already.
      expect(first.map((e) => JSON.parse(e.detail).attempt)).toEqual(Array.from({ length: first.length }, (_, i) => i + 1));
      expect(first.length).toBeGreaterThanOrEqual(rows[0]!.attempts);
      expect(first.every((e) => e.decision === "deny" && e.status === 500)).toBe(true);
      expect(audited.filter((e) => e.reason === "webhook_disabled")).toHaveLength(1);
      expect(audited.every((e) => !e.detail.includes("maintenance"))).toBe(true);

      // Disabled: nothing more is sent or queued, and the next PUT enables it again.
      const sent = failing.received.length;
      gw.clock.advance(3_600_000);
      await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["relationship_management"] });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(failing.received.length).toBe(sent);
      expect(await deliveries(gw, dealer.id)).toHaveLength(2);

      failing.respond = answer(200);
      await putWebhook(gw, dealer.id, failing.url);
      const replay = await gw.http.post(`/v1/admin/dealers/${dealer.id}/webhook/deliveries/${rows[0]!.id}/replay`).set(await auth()).send({}).expect(202);
      expect(replay.body).toMatchObject({ id: String(rows[0]!.id), status: "pending" });
      await eventually(() => deliveries(gw, dealer.id), (r) => r[0]!.status === "delivered", "the replayed delivery");
      const listed = await gw.http.get(`/v1/admin/dealers/${dealer.id}/webhook/deliveries`).set(await auth()).expect(200);
      expect(listed.body.items.map((d: { status: string }) => d.status)).toEqual(["abandoned", "delivered"]);
      expect((await gw.http.get("/metrics")).text).toMatch(/webhook_delivery_failures_total\{reason="disabled"\} [1-9]/);
    } finally {
      await failing.close();
    }
  }, 120_000);

  it("when a settled delivery is older than 30 days, then it is pruned from the outbox while pending ones stay", async () => {
    const slow = await startReceiver(answer(500));
    try {
      const { dealer: settled, customer } = await hookedDealer(receiver.url);
      await recordConsent(gw, customer.id, { dealerId: settled.id, purposes: ["service_delivery"] });
      await eventually(() => deliveries(gw, settled.id), (rows) => rows[0]?.status === "delivered", "the delivery settled");
      const { dealer: failing } = await hookedDealer(slow.url);
      await recordConsent(gw, customer.id, { dealerId: failing.id, purposes: ["service_delivery"] });
      await eventually(() => deliveries(gw, failing.id), (rows) => rows[0]?.attempts === 1, "a failed attempt");
      await gw.dataSource.query("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE dealer_id = ?", ["9999-01-01T00:00:00.000Z", failing.id]);
      gw.clock.advance(31 * 24 * 3_600_000);
      await eventually(() => deliveries(gw, settled.id), (rows) => rows.length === 0, "the settled delivery pruned");
      expect(await deliveries(gw, failing.id)).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it("when a PUT rotates the secret, then every later delivery, retries of older events included, verifies with the new secret and not the old", async () => {
    const rotating = await startReceiver(answer(503));
    try {
      const { dealer, hook: old, customer } = await hookedDealer(rotating.url);
      await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
      await rotating.waitFor(1);
      await eventually(() => deliveries(gw, dealer.id), (r) => r[0]!.attempts === 1, "the first attempt recorded");
      expect(verifies(old.secret, rotating.received[0]!)).toBe(true);

      const rotated = await putWebhook(gw, dealer.id, rotating.url);
      expect(rotated.secret).not.toBe(old.secret);
      const afterRotation = rotating.received.length;
      rotating.respond = answer(200);
      await nextAttempt(dealer.id);
      await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["in_store_experience"] });
      await eventually(() => deliveries(gw, dealer.id), (r) => r.length === 2 && r.every((row) => row.status === "delivered"), "both delivered");

      const later = rotating.received.slice(afterRotation);
      expect(later.length).toBeGreaterThanOrEqual(2);
      expect(later[0]!.id).toBe(rotating.received[0]!.id);
      for (const received of later) {
        expect(verifies(rotated.secret, received)).toBe(true);
        expect(verifies(old.secret, received)).toBe(false);
        expect(received.signature.split(" ")).toHaveLength(1);
      }
    } finally {
      await rotating.close();
    }
  });
});
