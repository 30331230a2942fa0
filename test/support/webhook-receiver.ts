import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** What a receiver got: the Standard Webhooks headers and the raw body. */
export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

export type Responder = (received: ReceivedWebhook, res: http.ServerResponse) => void;

/** A dealer's receiver on 127.0.0.1: records every request; answers 200 unless told otherwise. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** TCP connections accepted, requests or not: 0 shows nothing reached this receiver at all. */
  connections(): number;
  respond: Responder;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export const answer = (status: number, body = ""): Responder => (_received, res) => res.writeHead(status, { "content-type": "text/plain" }).end(body);

export async function startReceiver(respond: Responder = answer(204)): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const receiver: WebhookReceiver = {
    url: "", received, respond,
    connections: () => connections,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${received.length} of ${count} deliveries`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const entry = {
        id: headers["webhook-id"] ?? "", timestamp: headers["webhook-timestamp"] ?? "", signature: headers["webhook-signature"] ?? "",
        headers, body: Buffer.concat(chunks).toString("utf8"), receivedAt: Date.now(),
      };
      received.push(entry);
      receiver.respond(entry, res);
    });
  });
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/** Verifies a delivery with the official `standardwebhooks` package, as a dealer would; throws when it does not verify. */
export function verifyDelivery(secret: string, received: ReceivedWebhook): unknown {
  return new Webhook(secret).verify(received.body, received.headers);
}

export function verifies(secret: string, received: ReceivedWebhook): boolean {
  try {
    verifyDelivery(secret, received);
    return true;
  } catch {
    return false;
  }
}
