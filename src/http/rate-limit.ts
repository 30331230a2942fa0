import type { Request, RequestHandler } from "express";
import { ipKeyGenerator, rateLimit, type Store } from "express-rate-limit";
import type { Logger } from "pino";
import { RedisStore, type RedisReply } from "rate-limit-redis";
import { createClient } from "redis";
import { auditInput, type AuditLog } from "../audit/audit-log";
import { problems } from "./problem";
import { routeTemplate } from "./route-template";

export interface RateLimitOptions {
  /** Requests allowed per window for one key. */
  limit: number;
  windowMs?: number;
  /** Who is counted: the verified dealer client, or the caller's address before authentication. */
  key: (req: Request) => string;
  /** Where refusals are audited: a refusal ledger, so that a flood of them costs a bounded number of rows. */
  audit: AuditLog;
  action: string;
  store?: Store;
  logger?: Logger;
}

/**
 * A fixed-window limit; a refusal is audited and answered 429 problem+json with Retry-After. When the
 * counter store fails (Redis unreachable), requests pass and the failure is logged: the database and
 * the audit log stay the gatekeepers, and an outage of the counters must not become an outage of
 * the gateway.
 */
export function limitRequests(options: RateLimitOptions): RequestHandler {
  const windowMs = options.windowMs ?? 60_000;
  return rateLimit({
    windowMs,
    limit: options.limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    keyGenerator: options.key,
    passOnStoreError: true,
    ...(options.store ? { store: options.store } : {}),
    ...(options.logger ? { logger: { error: (error: unknown) => options.logger!.warn({ err: error }, "rate-limit store failed; request let through"), warn: () => undefined } } : {}),
    handler: (req, _res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
      options.audit
        .record(auditInput(req, { action: options.action, decision: "deny", reason: "rate_limited", status: 429, detail: { route: routeTemplate(req) } }))
        .then(() => next(problems.rateLimited(retryAfter)), next);
    },
  });
}

export const byAddress = (req: Request): string => ipKeyGenerator(req.ctx.ip);

export const byDealerClient = (req: Request): string => `client:${req.ctx.actor?.id ?? byAddress(req)}`;

/**
 * Limits of single routes, by route template (`POST /v1/customers/lookup`): a request meets the limit
 * of the route express matched, however its path was spelled. One map read per request.
 */
export function perRouteLimits(limits: Record<string, RequestHandler>): RequestHandler {
  const byTemplate = new Map(Object.entries(limits));
  return (req, res, next) => {
    const template = routeTemplate(req);
    const limit = template === undefined ? undefined : byTemplate.get(template);
    return limit ? limit(req, res, next) : next();
  };
}

/** Where limit counters live: in each process (the default), or in Redis, shared by every gateway process. */
export interface RateLimitStores {
  /** A store for one named limit; undefined means express-rate-limit's in-memory store. */
  store(name: string): Store | undefined;
  close(): Promise<void>;
}

/**
 * rate-limit-redis caches the load of its Lua scripts; a load that failed (Redis not reachable yet)
 * would fail every later call. This store loads them again after any failure, so counting resumes by
 * itself once Redis is back.
 */
class RecoveringRedisStore extends RedisStore {
  override async increment(key: string) {
    try {
      return await super.increment(key);
    } catch (error) {
      this.incrementScriptSha = this.reload(() => this.loadIncrementScript());
      throw error;
    }
  }

  override async get(key: string) {
    try {
      return await super.get(key);
    } catch (error) {
      this.getScriptSha = this.reload(() => this.loadGetScript());
      throw error;
    }
  }

  private reload(load: () => Promise<string>): Promise<string> {
    const loading = load();
    loading.catch(() => undefined);
    return loading;
  }
}

const IN_PROCESS: RateLimitStores = { store: () => undefined, close: async () => undefined };

/** Redis commands fail after this long rather than hold a request while Redis is away. */
const REDIS_COMMAND_TIMEOUT_MS = 500;

export function rateLimitStores(options: { redisUrl?: string; prefix: string; logger: Logger }): RateLimitStores {
  if (!options.redisUrl) return IN_PROCESS;
  const client = createClient({
    url: options.redisUrl,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000) },
  });
  // Until Redis answers for the first time, commands wait for it (briefly); once it has been lost, they fail at once.
  let failing = false;
  client.on("error", (error: unknown) => {
    if (!failing) options.logger.warn({ err: error }, "rate-limit Redis unreachable; limits are not enforced until it is back");
    failing = true;
  });
  client.on("ready", () => {
    if (failing) options.logger.info("rate-limit Redis reachable again");
    failing = false;
  });
  void client.connect().catch(() => undefined);
  const sendCommand = (...args: string[]): Promise<RedisReply> => {
    if (failing && !client.isReady) return Promise.reject(new Error("rate-limit Redis unavailable"));
    return client.sendCommand(args, { timeout: REDIS_COMMAND_TIMEOUT_MS }) as Promise<RedisReply>;
  };
  return {
    store: (name) => new RecoveringRedisStore({ sendCommand, prefix: `${options.prefix}${name}:` }),
    async close() {
      if (client.isReady) await client.close().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    },
  };
}
