import express, { type Express, type RequestHandler, type Router } from "express";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { AppDeps } from "./app-deps";
import { adminUserRoutes } from "./admin-users/admin-user-routes";
import type { AuditKey } from "./audit/audit-key";
import { createAuditLog, type AuditLog } from "./audit/audit-log";
import { refusalLedger } from "./audit/refusal-ledger";
import { authenticate } from "./auth/authenticate";
import { loginRoutes } from "./auth/login-route";
import { oauthTokenRoutes } from "./auth/oauth-token-route";
import { ADMIN_STRATEGY, DEALER_STRATEGY, DEALER_TOKEN_STRATEGY, registerStrategies } from "./auth/passport-strategies";
import { unguardedAdminRoutes } from "./auth/secured-router";
import { jwks, type SigningKeys } from "./auth/signing-keys";
import type { Config } from "./config";
import { auditRoutes } from "./audit/audit-routes";
import { lookupRoutes } from "./audit/lookup-routes";
import { dealerApiRoutes } from "./dealer-api/dealer-api-routes";
import { marketingPreferenceRoutes } from "./customers/marketing-preference-routes";
import { accessCheckRoutes } from "./policy/access-check-routes";
import { consoleRoutes } from "./console/console-routes";
import { openapiRoutes } from "./openapi/openapi-routes";
import { consentRoutes } from "./consents/consent-routes";
import { customerRoutes } from "./customers/customer-routes";
import { dealerRoutes } from "./dealers/dealer-routes";
import { errorHandler, notFoundHandler } from "./http/error-handler";
import { byAddress, byDealerClient, limitRequests, perRouteLimits, rateLimitStores, type RateLimitStores } from "./http/rate-limit";
import { requestContext } from "./http/request-context";
import { requireBodyMediaType, requireUtf8 } from "./http/request-hardening";
import { securityHeaders } from "./http/security-headers";
import { createMetrics, type Metrics } from "./ops/metrics";
import { opsRoutes } from "./ops/ops-routes";
import { requestLog } from "./ops/request-log";
import { purposeRoutes } from "./purposes/purpose-routes";
import { allowedHosts, systemLookup, type Lookup } from "./webhooks/egress-guard";
import { webhookRoutes } from "./webhooks/webhook-routes";
import { loadWebhookKey, type WebhookKey } from "./webhooks/webhook-secret";

export interface BuildAppOptions {
  config: Config;
  dataSource: DataSource;
  keys: SigningKeys;
  /** Signs audit events at write and checkpoints. */
  auditKey: AuditKey;
  logger: Logger;
  clock?: () => Date;
  /** Wraps the audit writer; tests use it to make audit writes fail. */
  auditDecorator?: (real: AuditLog) => AuditLog;
  /** Where the dealer limits count; in this process when absent. */
  rateLimitStores?: RateLimitStores;
  /** Shared with the webhook dispatcher, so /metrics shows its counts; created here when absent. */
  metrics?: Metrics;
  webhookKey?: WebhookKey;
  /** How webhook host names resolve; the system resolver when absent. */
  webhookLookup?: Lookup;
}

/** The route modules of the JSON API, in one list so the role check below sees them all. */
const API_ROUTES: ((deps: AppDeps) => Router)[] = [
  // The dealer API first: it takes most of the traffic, and every router before it costs each of its requests a walk.
  dealerApiRoutes, loginRoutes, purposeRoutes, adminUserRoutes, dealerRoutes, webhookRoutes, customerRoutes, marketingPreferenceRoutes, consentRoutes, accessCheckRoutes, auditRoutes, lookupRoutes,
];

/** Two middlewares as one: the second runs only when the first passes. */
function inSequence(first: RequestHandler, second: RequestHandler): RequestHandler {
  return (req, res, next) => first(req, res, (error?: unknown) => (error ? next(error) : second(req, res, next)));
}

/** The app, and what must be written once it no longer serves requests. */
export interface BuiltApp {
  app: Express;
  /** Writes the refusal counts still held in memory; call after the server has drained. */
  close(): Promise<void>;
}

export function buildApp(options: BuildAppOptions): BuiltApp {
  const { config, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const realAudit = createAuditLog(options.dataSource, clock, options.auditKey);
  const audit = options.auditDecorator ? options.auditDecorator(realAudit) : realAudit;
  const refusals = refusalLedger(audit, { clock, logger, singly: config.AUDIT_REFUSALS_SINGLY_PER_WINDOW, windowMs: config.AUDIT_REFUSAL_WINDOW_SECONDS * 1000 });
  const strategies = registerStrategies(options.dataSource, options.keys, config);
  const limits = options.rateLimitStores ?? rateLimitStores({ prefix: config.RATE_LIMIT_REDIS_PREFIX, logger });
  const dealerLimits = inSequence(
    limitRequests({ limit: config.RATE_LIMIT_PER_MINUTE, key: byDealerClient, audit: refusals, action: "dealer.throttle", store: limits.store("dealer"), logger }),
    perRouteLimits({
      "POST /v1/customers/lookup": limitRequests({
        limit: config.LOOKUP_RATE_LIMIT_PER_MINUTE, key: byDealerClient, audit: refusals, action: "customer.lookup", store: limits.store("lookup"), logger,
      }),
    }),
  );
  // Refused bearer tokens count per address, before they are audited, so a flood of them is throttled.
  const refusedTokens = limitRequests({ limit: config.AUTH_FAILURE_RATE_LIMIT_PER_MINUTE, key: byAddress, audit: refusals, action: "auth.bearer", store: limits.store("refused"), logger });
  const bearer = (strategy: string) => authenticate(strategies, strategy, refusals, refusedTokens);
  const deps: AppDeps = {
    config,
    dataSource: options.dataSource,
    keys: options.keys,
    auditKey: options.auditKey,
    logger,
    clock,
    audit,
    refusals,
    webhooks: {
      key: options.webhookKey ?? loadWebhookKey({ keyBase64: config.WEBHOOK_SECRET_KEY, dataDir: config.DATA_DIR }),
      allowed: allowedHosts(config.WEBHOOK_ALLOWED_HOSTS),
      lookup: options.webhookLookup ?? systemLookup,
    },
    authenticateAdmin: bearer(ADMIN_STRATEGY),
    authenticateDealer: inSequence(bearer(DEALER_STRATEGY), dealerLimits),
    authenticateDealerToken: inSequence(bearer(DEALER_TOKEN_STRATEGY), dealerLimits),
  };
  const metrics = options.metrics ?? createMetrics();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.config.TRUST_PROXY);
  app.set("query parser", "simple");
  app.use(requestContext);
  app.use(securityHeaders());
  app.use(requestLog(deps.logger));
  app.use(metrics.middleware);

  app.use(opsRoutes({ dataSource: deps.dataSource, metrics }));
  app.get("/.well-known/jwks.json", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=300");
    res.json(jwks(deps.keys));
  });
  app.use(oauthTokenRoutes(deps));
  app.use(openapiRoutes(deps));
  app.use(consoleRoutes(deps));

  const api = express.Router();
  api.use(requireBodyMediaType(["/v1/admin/customers/import"]));
  api.use(express.json({ limit: deps.config.BODY_LIMIT, strict: true, verify: requireUtf8 }));
  for (const routes of API_ROUTES) api.use(routes(deps));
  const unguarded = unguardedAdminRoutes(api);
  if (unguarded.length > 0) throw new Error(`admin routes without a role requirement: ${unguarded.join(", ")}`);
  app.use(api);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return { app, close: () => refusals.close() };
}
