import type { TestGateway } from "./support/gateway";

/** Helpers of the dealer webhook tests. */

export const WEBHOOK_TEST_ENV = { WEBHOOK_ALLOWED_HOSTS: "127.0.0.1", WEBHOOK_POLL_INTERVAL_MS: "30", WEBHOOK_TIMEOUT_MS: "2000" };

const bearer = async (gw: TestGateway) => ({ Authorization: `Bearer ${await gw.adminToken()}` });

export async function putWebhook(gw: TestGateway, dealerId: string, url: string): Promise<{ url: string; secret: string }> {
  const response = await gw.http.put(`/v1/admin/dealers/${dealerId}/webhook`).set(await bearer(gw)).send({ url });
  if (response.status !== 200) throw new Error(`put webhook: expected 200, got ${response.status}: ${response.text}`);
  return response.body;
}

export async function webhookStatus(gw: TestGateway, dealerId: string) {
  return (await gw.http.get(`/v1/admin/dealers/${dealerId}/webhook`).set(await bearer(gw)).expect(200)).body;
}

export interface DeliveryRow {
  id: string | number;
  event_seq: string | number;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  last_response: string | null;
}

export function deliveries(gw: TestGateway, dealerId: string): Promise<DeliveryRow[]> {
  return gw.dataSource.query("SELECT * FROM webhook_deliveries WHERE dealer_id = ? ORDER BY id", [dealerId]);
}

/** Polls until `check` holds (the dispatcher runs in the background every few milliseconds). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const webhookAuditEvents = (gw: TestGateway, dealerId: string): Promise<{ action: string; decision: string; reason: string | null; status: number; detail: string }[]> =>
  gw.dataSource.query("SELECT action, decision, reason, status, detail FROM audit_events WHERE dealer_id = ? AND action LIKE 'webhook.%' ORDER BY seq", [dealerId]);
