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

/** Writes to stdout unless given a destination (tests capture the output that way). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: undefined,
    serializers: { err: safeError },
    redact: { paths: ["req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" },
  }, destination);
}
