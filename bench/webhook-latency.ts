import http from "node:http";
import type { AddressInfo } from "node:net";
import type { BenchConfig } from "./bench-config";
import { adminToken, dealerToken } from "./gateway-client";
import { runLoad } from "./load-phase";
import { log, pause, readLoad } from "./phases";
import type { BenchDataset } from "./seed";
import type { ServerProcess } from "./servers";

/** Feed events made per second during the phase: a steady trickle, as admin changes are. */
const EVENTS_PER_SECOND = 10;

export interface WebhookLatency {
  events: number;
  delivered: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);

async function call(url: string, method: string, path: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

/**
 * Delivery latency of dealer webhooks under the read load: a local receiver on 127.0.0.1 (allowed by
 * the bench gateway's WEBHOOK_ALLOWED_HOSTS), a dealer of its own whose grant is put and revoked
 * EVENTS_PER_SECOND times a second (each revocation one grant.revoked feed event) while the read load
 * runs. Latency is from the event's `at` to its arrival at the receiver: commit, the dispatcher's
 * poll, signing and the POST.
 */
export async function measureWebhookLatency(config: BenchConfig, gateway: ServerProcess, dataset: BenchDataset): Promise<WebhookLatency> {
  const latencies = new Map<string, number>();
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const message = JSON.parse(Buffer.concat(chunks).toString()) as { data: { id: string; at: string } };
      if (!latencies.has(message.data.id)) latencies.set(message.data.id, Date.now() - Date.parse(message.data.at));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const admin = await adminToken(gateway.url);
    const dealer = await call(gateway.url, "POST", "/v1/admin/dealers", admin, { name: `Webhook bench ${Date.now()}`, country: "FR" });
    const dealerPath = `/v1/admin/dealers/${String(dealer.id)}`;
    await call(gateway.url, "PUT", `${dealerPath}/webhook`, admin, { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks` });
    const token = await dealerToken(gateway.url, dataset.clientId, dataset.clientSecret);
    log(`webhook delivery: ${EVENTS_PER_SECOND} feed events a second during ${config.connections} connections of reads for ${config.seconds} s`);
    const load = runLoad(readLoad(config, gateway.url, token, dataset.readableCustomerIds));
    let events = 0;
    const until = Date.now() + config.seconds * 1000;
    while (Date.now() < until) {
      const started = Date.now();
      await call(gateway.url, "PUT", `${dealerPath}/grants/service_delivery`, admin, {});
      await call(gateway.url, "DELETE", `${dealerPath}/grants/service_delivery`, admin);
      events++;
      await pause(Math.max(0, 1000 / EVENTS_PER_SECOND - (Date.now() - started)));
    }
    await load;
    const deadline = Date.now() + 15_000;
    while (latencies.size < events && Date.now() < deadline) await pause(100);
    await call(gateway.url, "DELETE", `${dealerPath}/webhook`, admin).catch(() => undefined);
    const sorted = [...latencies.values()].sort((a, b) => a - b);
    return { events, delivered: latencies.size, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: sorted.at(-1) ?? 0 };
  } finally {
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}
