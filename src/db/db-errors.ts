const UNIQUE_CODES = new Set(["ER_DUP_ENTRY", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "PROTOCOL_CONNECTION_LOST", "ER_CON_COUNT_ERROR", "POOL_CLOSED",
  "ER_LOCK_WAIT_TIMEOUT", "ER_LOCK_DEADLOCK", "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_RECOVERY", "SQLITE_LOCKED", "ER_SERVER_SHUTDOWN", "ER_QUERY_INTERRUPTED",
  // mysql2 gave up on a query after the per-query timeout (DB_QUERY_TIMEOUT_MS), e.g. during a network partition.
  "PROTOCOL_SEQUENCE_TIMEOUT", "ER_STATEMENT_TIMEOUT",
  // 1047, "WSREP has not yet prepared node for application use": a Galera node that has left the cluster.
  "ER_UNKNOWN_COM_ERROR",
]);

/** The driver's error code, whether TypeORM wrapped the error or not. */
export function codeOf(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * The database rolled the transaction back whole: it lost a deadlock or, on a Galera cluster, lost
 * certification to another node's commit (both ER_LOCK_DEADLOCK).
 */
export function isLostConflict(error: unknown): boolean {
  return codeOf(error) === "ER_LOCK_DEADLOCK";
}

/** mysql2 gave up waiting for the answer to one statement (the per-query timeout). */
export function isQueryTimeout(error: unknown): boolean {
  return codeOf(error) === "PROTOCOL_SEQUENCE_TIMEOUT";
}

export function isUniqueViolation(error: unknown): boolean {
  return UNIQUE_CODES.has(codeOf(error) ?? "");
}

/** The database is down, overloaded or restarting: the caller should retry, nothing was changed. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : "";
  return /connection|Pool is closed|Driver not Connected|not connected/i.test(message) && !code?.startsWith("SQLITE_CONSTRAINT");
}
