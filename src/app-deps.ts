import type { RequestHandler } from "express";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { AuditKey } from "./audit/audit-key";
import type { AuditLog } from "./audit/audit-log";
import type { SigningKeys } from "./auth/signing-keys";
import type { Config } from "./config";
import type { AllowedHosts, Lookup } from "./webhooks/egress-guard";
import type { WebhookKey } from "./webhooks/webhook-secret";

/** Everything a route module may use; built once by `buildApp`. */
export interface AppDeps {
  config: Config;
  dataSource: DataSource;
  keys: SigningKeys;
  auditKey: AuditKey;
  logger: Logger;
  audit: AuditLog;
  /**
   * Where refusals of callers without a valid credential, and rate-limit refusals, are audited: the
   * first few of a kind one by one, the rest counted (see `refusalLedger`). Never for allowed requests.
   */
  refusals: AuditLog;
  /** Dealer webhooks: the key that seals signing secrets, the hosts exempt from the SSRF checks, and how host names resolve. */
  webhooks: { key: WebhookKey; allowed: AllowedHosts; lookup: Lookup };
  /** The current time; tests pass a controlled clock. */
  clock: () => Date;
  /** Bearer-token authentication for the `admin-api` audience; use through `securedRouter`. */
  authenticateAdmin: RequestHandler;
  /** Bearer-token authentication for the `dealer-api` audience; re-reads the credential and dealer. */
  authenticateDealer: RequestHandler;
  /**
   * The same, except that the credential and dealer are left to the route's `loadAccessInputs` query,
   * whose decision refuses them with the same 401: one round trip fewer on the dealer read path. Only
   * for routes wrapped in `auditedRoute` that run that query with the token's client id.
   */
  authenticateDealerToken: RequestHandler;
}
