import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Errors are logged by kind and code only when they come from the database: driver messages quote
 * the offending values (a duplicate e-mail, say), and no personal data may reach the logs.
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const driver = error as Error & { code?: unknown; errno?: unknown; driverError?: { code?: unknown; errno?: unknown } };
  const fromDatabase = error.name === "QueryFailedError" || driver.driverError !== undefined || typeof driver.errno === "number";
  if (fromDatabase) {
    return { type: error.name, code: driver.driverError?.code ?? driver.code, errno: driver.driverError?.errno ?? driver.errno };
  }
  return { type: error.name, message: error.message, stack: error.stack };
}

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
  remotePort?: number;
}

/** A query string keeps its parameter names only: an admin search by `email=` must not write the address to the log. */
export function withoutQueryValues(url: string): string {
  const mark = url.indexOf("?");
  if (mark < 0) return url;
  const names = url.slice(mark + 1).split("&").filter(Boolean).map((pair) => `${pair.split("=")[0]!.slice(0, 64)}=[redacted]`);
  return `${url.slice(0, mark)}?${names.join("&")}`;
}

/**
 * The request as the request log writes it, minus the query values (and the parsed `query` and `params`
 * objects), so nothing a caller searched for reaches the logs.
 */
export function safeRequest(req: SerializedRequest): SerializedRequest {
  return { id: req.id, method: req.method, url: withoutQueryValues(req.url ?? ""), headers: req.headers, remoteAddress: req.remoteAddress, remotePort: req.remotePort };
}

/** Writes to stdout unless given a destination (tests capture the output that way). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: undefined,
    serializers: { err: safeError },
    redact: { paths: ["req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" },
  }, destination);
}
