import type { Request, RequestHandler } from "express";
import { ipKeyGenerator, rateLimit, type Store } from "express-rate-limit";
import { auditInput, type AuditLog } from "../audit/audit-log";
import { problems } from "./problem";

export interface RateLimitOptions {
  /** Requests allowed per window for one key. */
  limit: number;
  windowMs?: number;
  /** Who is counted: the verified dealer client, or the caller's address before authentication. */
  key: (req: Request) => string;
  audit: AuditLog;
  action: string;
  store?: Store;
}

/** A fixed-window limit; a refusal is audited and answered 429 problem+json with Retry-After. */
export function limitRequests(options: RateLimitOptions): RequestHandler {
  const windowMs = options.windowMs ?? 60_000;
  return rateLimit({
    windowMs,
    limit: options.limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    keyGenerator: options.key,
    ...(options.store ? { store: options.store } : {}),
    handler: (req, _res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
      options.audit
        .record(auditInput(req, { action: options.action, decision: "deny", reason: "rate_limited", status: 429 }))
        .then(() => next(problems.rateLimited(retryAfter)), next);
    },
  });
}

export const byAddress = (req: Request): string => ipKeyGenerator(req.ip ?? "unknown");

export const byDealerClient = (req: Request): string => `client:${req.ctx.actor?.id ?? byAddress(req)}`;
