import type { NextFunction, Request, RequestHandler, Response } from "express";
import type passport from "passport";
import type { AuditLog } from "../audit/audit-log";
import { auditInput } from "../audit/audit-log";
import type { Actor } from "../http/request-context";
import { problems } from "../http/problem";
import { routeTemplate } from "../http/route-template";
import { verifiedTokenCheck } from "./passport-strategies";
import { TokenRefused } from "./token-refused";

/** Maps jsonwebtoken's failures to stable audit reasons. */
function refusalReason(info: unknown): string {
  if (info instanceof TokenRefused) return info.reason;
  const name = (info as { name?: string; message?: string } | undefined)?.name;
  const message = (info as { message?: string } | undefined)?.message ?? "";
  if (name === "TokenExpiredError") return "token_expired";
  if (name === "NotBeforeError") return "token_not_yet_valid";
  if (message.includes("audience")) return "token_audience_wrong";
  if (message.includes("issuer")) return "token_issuer_wrong";
  if (message === "No auth token") return "token_missing";
  if (message === "invalid signature") return "token_signature_invalid";
  if (message === "invalid algorithm" || message === "jwt signature is required") return "token_algorithm_wrong";
  if (message === "jwt malformed" || message === "invalid token") return "token_malformed";
  if (message.startsWith("iat required")) return "token_issued_at_missing";
  return "token_invalid";
}

/**
 * Authenticates the bearer token for one audience. A refusal first meets `throttle`, a per-address
 * limit that answers 429 once an address has been refused too often; otherwise it is audited (by
 * route template and reason only: nothing the caller sent) and answered 401.
 */
export function authenticate(instance: passport.PassportStatic, strategyName: string, audit: AuditLog, throttle: RequestHandler): RequestHandler {
  const verifiedBefore = verifiedTokenCheck(instance, strategyName);
  return (req: Request, res: Response, next: NextFunction) => {
    const decided = (error: unknown, actor?: Actor | false, info?: unknown) => {
      if (error) return next(error);
      if (actor) {
        req.ctx.actor = actor;
        return next();
      }
      const reason = refusalReason(info);
      throttle(req, res, (throttled?: unknown) => {
        if (throttled) return next(throttled);
        audit
          .record(auditInput(req, { action: "auth.bearer", decision: "deny", reason, status: 401, detail: { route: routeTemplate(req) } }))
          .then(() => next(problems.unauthorized()), next);
      });
    };
    if (verifiedBefore?.(req, decided)) return;
    instance.authenticate(strategyName, { session: false }, decided)(req, res, next);
  };
}
