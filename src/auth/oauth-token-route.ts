import express, { Router, type Request, type Response } from "express";
import passport from "passport";
import { BasicStrategy } from "passport-http";
import { Strategy as ClientPasswordStrategy } from "passport-oauth2-client-password";
import type { DataSource } from "typeorm";
import { auditInput, type AuditLog } from "../audit/audit-log";
import type { Config } from "../config";
import { liveGrantPurposes, verifyDealerClient } from "../dealers/dealer-queries";
import { byAddress, limitRequests } from "../http/rate-limit";
import type { SigningKeys } from "./signing-keys";
import { TokenRefused } from "./token-refused";
import { DEALER_AUDIENCE, issueToken, purposeScope, writeScope } from "./tokens";

type OAuthError = "invalid_request" | "invalid_client" | "invalid_scope" | "unsupported_grant_type";

interface VerifiedClient {
  clientId: string;
  dealerId: string;
}

interface ClientRefusal {
  reason: string;
  /** The credential's stored client id when the caller named a real one, so repeated failures against it can be traced. */
  clientId?: string;
}

/**
 * Both RFC 6749 client authentication methods run the same check; passport-http drops a strategy's
 * failure detail, so the real reason is kept per request for the audit log.
 */
function clientStrategies(dataSource: DataSource, refusals: WeakMap<Request, ClientRefusal>): passport.PassportStatic {
  const instance = new passport.Passport();
  const verify = (req: Request, clientId: string, secret: string, done: (error: unknown, client?: VerifiedClient | false) => void) => {
    verifyDealerClient(dataSource, clientId, secret).then(
      (client) => done(null, client),
      (error: unknown) => {
        if (!(error instanceof TokenRefused)) return done(error);
        refusals.set(req, { reason: error.reason, ...(error.clientId ? { clientId: error.clientId } : {}) });
        done(null, false);
      },
    );
  };
  instance.use("client_secret_basic", new BasicStrategy({ passReqToCallback: true }, verify));
  instance.use("client_secret_post", new ClientPasswordStrategy({ passReqToCallback: true }, verify));
  return instance as unknown as passport.PassportStatic;
}

/** RFC 6749 §5.2 error body. */
function oauthError(res: Response, status: number, error: OAuthError, description: string): void {
  if (error === "invalid_client") res.setHeader("WWW-Authenticate", 'Basic realm="dealer-gateway"');
  res.status(status).json({ error, error_description: description });
}

function requestedScope(raw: unknown, held: string[]): string[] | undefined {
  if (raw === undefined || raw === "") return held;
  if (typeof raw !== "string") return undefined;
  const asked = [...new Set(raw.split(" ").filter(Boolean))];
  const heldScopes = new Set(held);
  return asked.every((scope) => heldScopes.has(scope)) ? asked : undefined;
}

/** `POST /oauth/token`: OAuth 2.0 client credentials for dealers (RFC 6749 §4.4). */
export function oauthTokenRoutes(deps: { dataSource: DataSource; audit: AuditLog; refusals: AuditLog; keys: SigningKeys; config: Config; clock: () => Date }): Router {
  const { dataSource, audit, refusals: refusalLog, keys, config, clock } = deps;
  const refusals = new WeakMap<Request, ClientRefusal>();
  const strategies = clientStrategies(dataSource, refusals);
  const router = Router();
  router.use("/oauth/token", express.urlencoded({ extended: false, limit: "4kb", parameterLimit: 20 }));

  const throttle = limitRequests({ limit: config.TOKEN_RATE_LIMIT_PER_MINUTE, key: byAddress, audit: refusalLog, action: "token.issue" });
  router.post("/oauth/token", throttle, async (req: Request, res: Response) => {
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Pragma", "no-cache");
    const body: Record<string, unknown> = req.body && typeof req.body === "object" ? req.body : {};
    const refuse = async (status: number, error: OAuthError, description: string, reason: string, actorId?: string) => {
      await refusalLog.record(auditInput(req, { action: "token.issue", actorType: "dealer", decision: "deny", reason, status, actorId, detail: { error } }));
      oauthError(res, status, error, description);
    };

    const usesBasic = /^basic /i.test(req.get("authorization") ?? "");
    const usesPost = body.client_id !== undefined || body.client_secret !== undefined;
    if (usesBasic && usesPost) return refuse(400, "invalid_request", "Use one client authentication method, not both", "several_client_auth_methods");
    if (!usesBasic && !usesPost) return refuse(401, "invalid_client", "Client authentication is required", "client_auth_missing");
    if (typeof body.grant_type !== "string") return refuse(400, "invalid_request", "grant_type is required", "grant_type_missing");
    if (body.grant_type !== "client_credentials") return refuse(400, "unsupported_grant_type", "Only client_credentials is supported", "grant_type_unsupported");

    const client = await new Promise<VerifiedClient | false>((resolve, reject) => {
      strategies.authenticate(usesBasic ? "client_secret_basic" : "client_secret_post", { session: false }, (error: unknown, verified: VerifiedClient | false) => {
        if (error) return reject(error);
        resolve(verified);
      })(req, res, () => undefined);
    });
    if (!client) {
      const refusal = refusals.get(req) ?? { reason: "client_auth_malformed" };
      return refuse(401, "invalid_client", "Client authentication failed", refusal.reason, refusal.clientId);
    }

    const { clientId, dealerId } = client;
    const held = (await liveGrantPurposes(dataSource, dealerId, clock())).flatMap(({ purpose, write }) => (write ? [purposeScope(purpose), writeScope(purpose)] : [purposeScope(purpose)]));
    const scope = requestedScope(body.scope, held);
    if (!scope) return refuse(400, "invalid_scope", "The requested scope exceeds the purposes granted to this dealer", "scope_not_held", clientId);

    const token = issueToken(keys, config.JWT_ISSUER, DEALER_AUDIENCE, { sub: clientId, scope: scope.join(" "), dealer_id: dealerId }, config.DEALER_TOKEN_TTL_SECONDS);
    await audit.record(auditInput(req, { action: "token.issue", actorType: "dealer", decision: "allow", status: 200, actorId: clientId, dealerId, detail: { scope } }));
    res.json(token);
  });
  return router;
}
