import http from "node:http";
import net from "node:net";

/**
 * Requests exactly as given: no URL normalisation (so `..` and `%2e%2e` reach the gateway), any
 * header, any body bytes. supertest would resolve or re-encode some of these before sending.
 */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: Record<string, unknown> | undefined;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function send(baseUrl: string, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, "utf8");
    const req = http.request({
      host: hostname, port: Number(port), method: request.method, path: request.path, agent, timeout: timeoutMs,
      headers: { ...(body ? { "Content-Length": String(body.length) } : {}), ...request.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms: ${request.method} ${request.path}`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** Parses a raw HTTP/1.1 response as read off a socket. */
export function parseRawResponse(raw: Buffer): RawResponse {
  const text0 = raw.toString("latin1");
  const split = text0.indexOf("\r\n\r\n");
  const head = split >= 0 ? text0.slice(0, split) : text0;
  let body = split >= 0 ? text0.slice(split + 4) : "";
  const [statusLine, ...lines] = head.split("\r\n");
  const headers: http.IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (headers["transfer-encoding"] === "chunked") body = dechunk(body);
  const text = Buffer.from(body, "latin1").toString("utf8");
  return { status: Number(statusLine?.split(" ")[1] ?? 0), headers, text, json: parseJson(text) };
}

/**
 * A request written in parts over its own connection: `write` sends more bytes whenever the test
 * wants (a slow client), `response` resolves with what came back once the server closed the
 * connection, `closed` once the connection is gone, whoever closed it.
 */
export interface OpenConnection {
  write(bytes: string | Buffer): void;
  response: Promise<RawResponse>;
  closed: Promise<void>;
  destroy(): void;
}

export function openConnection(baseUrl: string, first: string | Buffer, timeoutMs = 30_000): OpenConnection {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  const timer = setTimeout(() => socket.destroy(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
  const closed = new Promise<void>((resolve) => socket.once("close", () => {
    clearTimeout(timer);
    resolve();
  }));
  socket.on("error", () => undefined);
  socket.write(first);
  return {
    write: (bytes) => void socket.write(bytes),
    response: closed.then(() => parseRawResponse(Buffer.concat(chunks))),
    closed,
    destroy: () => socket.destroy(),
  };
}

/** Writes the bytes to a fresh connection and parses whatever comes back before the server closes it. */
export async function sendBytes(baseUrl: string, bytes: string | Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  return openConnection(baseUrl, bytes, timeoutMs).response;
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n");
    if (lineEnd < 0) return out;
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
