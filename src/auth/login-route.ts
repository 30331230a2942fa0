import { Router } from "express";
import { z } from "zod";
import type { DataSource } from "typeorm";
import { AdminUserEntity, type AdminUser } from "../admin-users/admin-user.entity";
import { auditInput, type AuditLog } from "../audit/audit-log";
import type { Config } from "../config";
import { problems } from "../http/problem";
import { byAddress, limitRequests } from "../http/rate-limit";
import { parse } from "../http/validate";
import { burnVerification, verifySecret } from "./password";
import { clearFailedSignIns, recordFailedSignIn, signInClosed } from "./sign-in-backoff";
import type { SigningKeys } from "./signing-keys";
import { ADMIN_AUDIENCE, issueToken } from "./tokens";

export const loginSchema = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

/** Why a sign-in is refused, for the audit log only: the caller gets the same 401 whatever it is. */
function refusalReason(user: AdminUser | null, closed: boolean, valid: boolean): string | undefined {
  if (!user) return "user_unknown";
  if (closed) return "account_throttled";
  if (!valid) return "password_wrong";
  if (user.roles.length === 0) return "user_without_roles";
  return undefined;
}

/**
 * `POST /v1/auth/login`: an admin user exchanges username and password for an `admin-api` token.
 * Limited per address, and per account with a backoff (`sign-in-backoff.ts`); while an account is
 * closed its password is not even checked, though the same time is spent as if it were.
 */
export function loginRoutes(deps: { dataSource: DataSource; audit: AuditLog; refusals: AuditLog; keys: SigningKeys; config: Config; clock: () => Date }): Router {
  const { dataSource, audit, keys, config, clock } = deps;
  const router = Router();
  const throttle = limitRequests({ limit: config.LOGIN_RATE_LIMIT_PER_MINUTE, key: byAddress, audit: deps.refusals, action: "auth.login" });
  router.post("/v1/auth/login", throttle, async (req, res) => {
    const { username, password } = parse(loginSchema, req.body);
    const now = clock();
    const user = await dataSource
      .getRepository(AdminUserEntity)
      .createQueryBuilder("user")
      .addSelect("user.passwordHash")
      .where("user.username = :username", { username })
      .getOne();
    const closed = user !== null && signInClosed(user, now, config);
    const valid = user && !closed ? await verifySecret(password, user.passwordHash) : await burnVerification(password);
    const reason = refusalReason(user, closed, valid);
    if (!user || reason) {
      if (user && reason === "password_wrong") await recordFailedSignIn(dataSource, user.id, now);
      await audit.record(auditInput(req, { action: "auth.login", actorType: "admin", actorId: user?.id, decision: "deny", reason, status: 401 }));
      throw problems.unauthorized("Wrong username or password");
    }
    if (user.failedLogins > 0) await clearFailedSignIns(dataSource, user.id);
    const token = issueToken(keys, config.JWT_ISSUER, ADMIN_AUDIENCE, { sub: user.id, scope: user.roles.join(" "), gen: user.tokenGeneration }, config.ADMIN_TOKEN_TTL_SECONDS);
    await audit.record(auditInput(req, { action: "auth.login", actorType: "admin", actorId: user.id, decision: "allow", status: 200 }));
    res.setHeader("Cache-Control", "no-store");
    res.json(token);
  });
  return router;
}
