import http from "node:http";
import https from "node:https";
import { checkWebhookUrl, EgressRefused, guardedLookup, type AllowedHosts, type Lookup } from "./egress-guard";

/** How much of a receiver's answer is read and kept: enough for an error message, never a stream. */
export const RESPONSE_CAP_BYTES = 512;

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowed: AllowedHosts;
  lookup: Lookup;
  /** Ends the attempt at once (the gateway is stopping). */
  signal?: AbortSignal;
}

/** A receiver's answer (any status, 3xx included: redirects are never followed), or why there was none. */
export type WebhookAnswer = { status: number; body: string } | { status: null; error: string };

/**
 * One POST, with no connection reuse: each attempt resolves and checks the host afresh. The response
 * body is read up to RESPONSE_CAP_BYTES and the rest dropped; the whole attempt has `timeoutMs`.
 */
export function postWebhook(request: WebhookRequest): Promise<WebhookAnswer> {
  let url: URL;
  try {
    url = checkWebhookUrl(request.url, request.allowed);
  } catch (error) {
    return Promise.resolve({ status: null, error: `refused: ${(error as Error).message}` });
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: WebhookAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      req.destroy();
      resolve(answer);
    };
    const req = client.request(url, {
      method: "POST",
      agent: false,
      lookup: guardedLookup(request.allowed, request.lookup) as never,
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(request.body)), "user-agent": "dealer-gateway-webhooks", ...request.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8").slice(0, RESPONSE_CAP_BYTES) });
      res.on("data", (chunk: Buffer) => {
        if (size < RESPONSE_CAP_BYTES) chunks.push(chunk.subarray(0, RESPONSE_CAP_BYTES - size));
        size += chunk.length;
        if (size >= RESPONSE_CAP_BYTES) done();
      });
      res.on("end", done);
      res.on("error", done);
    });
    const timer = setTimeout(() => finish({ status: null, error: `no answer within ${request.timeoutMs} ms` }), request.timeoutMs);
    req.on("error", (error: NodeJS.ErrnoException) => {
      finish({ status: null, error: error instanceof EgressRefused || error.code === "EGRESS_REFUSED" ? `refused: ${error.message}` : `connection failed: ${error.code ?? error.message}` });
    });
    const onAbort = () => finish({ status: null, error: "aborted: the gateway is stopping" });
    request.signal?.addEventListener("abort", onAbort, { once: true });
    req.end(request.body);
  });
}
