import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, createDealer, recordConsent } from "./support/fixtures";
import { startTestGateway, TestClock, type TestGateway } from "./support/gateway";
import { startReceiver, type WebhookReceiver } from "./support/webhook-receiver";
import { deliveries, eventually, putWebhook, WEBHOOK_TEST_ENV, webhookAuditEvents } from "./webhooks.support";

/**
 * Contract 5, egress safety: a webhook reaches only https: URLs on public addresses, unless
 * WEBHOOK_ALLOWED_HOSTS names the host (127.0.0.1 here, as in every test). Host names are resolved
 * again at delivery and the connection goes to the address checked; redirects are not followed.
 * DNS is stood in for by a table the test controls: `rebind.example` resolves as the test says.
 */

const dns = new Map<string, string[]>([["rebind.example", ["93.184.216.34"]], ["loopback.example", ["127.0.0.1"]], ["mixed.example", ["93.184.216.34", "10.1.2.3"]]]);
let gw: TestGateway;
let receiver: WebhookReceiver;
const auth = async () => ({ Authorization: `Bearer ${await gw.adminToken()}` });

beforeAll(async () => {
  gw = await startTestGateway({
    clock: new TestClock(new Date()), env: WEBHOOK_TEST_ENV,
    webhookLookup: async (host) => {
      const addresses = dns.get(host.toLowerCase());
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    },
  });
  receiver = await startReceiver();
});
afterAll(async () => {
  await gw?.stop();
  await receiver?.close();
});

describe("at PUT", () => {
  it.each([
    ["a private address", "https://10.0.0.1/hooks"],
    ["the cloud metadata address", "https://169.254.169.254/latest/meta-data/"],
    ["localhost", "https://localhost/hooks"],
    ["a name under .localhost", "https://api.localhost/hooks"],
    ["the IPv6 loopback", "https://[::1]/hooks"],
    ["an IPv4-mapped IPv6 loopback", "https://[::ffff:127.0.0.1]/hooks"],
    ["an IPv4-mapped private address", "https://[::ffff:10.0.0.1]/hooks"],
    ["an IPv6 link-local address", "https://[fe80::1]/hooks"],
    ["an IPv6 unique-local address", "https://[fd00:ec2::254]/hooks"],
    ["a multicast address", "https://224.0.0.1/hooks"],
    ["the unspecified address", "https://0.0.0.0/hooks"],
    ["an allowed address's neighbour", "https://127.0.0.2/hooks"],
    ["a short form of a private address", "https://10.1/hooks"],
    ["a host name resolving to 127.0.0.1 (127.0.0.1 is allowed, the name is not)", "https://loopback.example/hooks"],
    ["a host name with one private address among public ones", "https://mixed.example/hooks"],
    ["a host name that does not resolve", "https://nowhere.example/hooks"],
    ["a single-label intranet name", "https://intranet/hooks"],
    ["plain http: to a public host", "http://rebind.example/hooks"],
  ])("when the URL names %s, then 400 and nothing is written", async (_name, url) => {
    const dealer = await createDealer(gw);
    const response = await gw.http.put(`/v1/admin/dealers/${dealer.id}/webhook`).set(await auth()).send({ url });
    expect(response.status, response.text).toBe(400);
    expect(response.body.errors[0].path).toBe("url");
    expect(await gw.dataSource.query("SELECT dealer_id FROM dealer_webhooks WHERE dealer_id = ?", [dealer.id])).toEqual([]);
  });

  it("when the URL is http: to an allowed host, or https: to a public name, then it is accepted", async () => {
    const dealer = await createDealer(gw);
    expect((await putWebhook(gw, dealer.id, receiver.url)).url).toBe(receiver.url);
    expect((await putWebhook(gw, dealer.id, "https://rebind.example/hooks")).url).toBe("https://rebind.example/hooks");
  });
});

describe("at delivery", () => {
  async function deliveryTo(url: string, prepare: () => void = () => undefined) {
    const dealer = await createDealer(gw);
    await putWebhook(gw, dealer.id, url);
    prepare();
    const customer = await createCustomer(gw);
    await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
    const [row] = await eventually(() => deliveries(gw, dealer.id), (rows) => rows[0]?.attempts === 1, "the first attempt");
    return { dealer, row: row! };
  }

  it("when a name that passed at PUT resolves to 127.0.0.1 at delivery (DNS rebinding), then no connection is made and the attempt is refused and audited", async () => {
    const port = new URL(receiver.url).port;
    const connections = receiver.connections();
    const { dealer, row } = await deliveryTo(`https://rebind.example:${port}/hooks`, () => dns.set("rebind.example", ["127.0.0.1"]));
    dns.set("rebind.example", ["93.184.216.34"]);
    expect(row.status).toBe("pending");
    expect(row.last_error).toMatch(/^refused: resolves to a private/);
    expect(row.last_status).toBeNull();
    expect(receiver.connections()).toBe(connections);
    const [audited] = (await webhookAuditEvents(gw, dealer.id)).filter((e) => e.action === "webhook.delivery");
    expect(audited).toMatchObject({ decision: "deny", reason: "delivery_failed", status: 0 });
    expect(JSON.parse(audited!.detail)).toMatchObject({ attempt: 1, error: row.last_error });
  });

  it("when a stored URL names a private address (allowed hosts changed since), then the delivery is refused", async () => {
    const dealer = await createDealer(gw);
    await putWebhook(gw, dealer.id, receiver.url);
    await gw.dataSource.query("UPDATE dealer_webhooks SET url = ? WHERE dealer_id = ?", ["https://169.254.169.254/latest/meta-data/", dealer.id]);
    const customer = await createCustomer(gw);
    await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
    const [row] = await eventually(() => deliveries(gw, dealer.id), (rows) => rows[0]?.attempts === 1, "the first attempt");
    expect(row!.last_error).toMatch(/^refused: names a private/);
  });

  it("when the receiver redirects to a private address or elsewhere, then the redirect is not followed and counts as a failure", async () => {
    const elsewhere = await startReceiver();
    const redirecting = await startReceiver((_r, res) => res.writeHead(307, { location: elsewhere.url }).end());
    try {
      const { dealer, row } = await deliveryTo(redirecting.url);
      expect(row).toMatchObject({ status: "pending", last_status: 307 });
      expect(row.last_error).toContain("redirects are not followed");
      expect(elsewhere.connections()).toBe(0);
      redirecting.respond = (_r, res) => res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      gw.clock.now = new Date(Date.parse(row.next_attempt_at));
      const [again] = await eventually(() => deliveries(gw, dealer.id), (rows) => rows[0]!.attempts === 2, "the second attempt");
      expect(again).toMatchObject({ status: "pending", last_status: 302 });
    } finally {
      await redirecting.close();
      await elsewhere.close();
    }
  });

  it("when the receiver answers with a large body, then only its start is read and kept", async () => {
    const chatty = await startReceiver((_r, res) => res.writeHead(200).end("x".repeat(1_000_000)));
    try {
      const { row } = await deliveryTo(chatty.url);
      expect(row.status).toBe("delivered");
      expect(row.last_response!.length).toBeLessThanOrEqual(512);
    } finally {
      await chatty.close();
    }
  });
});
