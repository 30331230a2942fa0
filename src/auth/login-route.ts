import { Router } from "express";
import { z } from "zod";
import type { DataSource } from "typeorm";
import { AdminUserEntity } from "../admin-users/admin-user.entity";
import { auditInput, type AuditLog } from "../audit/audit-log";
import type { Config } from "../config";
import { problems } from "../http/problem";
import { byAddress, limitRequests } from "../http/rate-limit";
import { parse } from "../http/validate";
import { burnVerification, verifySecret } from "./password";
import type { SigningKeys } from "./signing-keys";
import { ADMIN_AUDIENCE, issueToken } from "./tokens";

export const loginSchema = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

/** `POST /v1/auth/login`: an admin user exchanges username and password for an `admin-api` token. */
export function loginRoutes(deps: { dataSource: DataSource; audit: AuditLog; keys: SigningKeys; config: Config }): Router {
  const { dataSource, audit, keys, config } = deps;
  const router = Router();
  const throttle = limitRequests({ limit: config.LOGIN_RATE_LIMIT_PER_MINUTE, key: byAddress, audit, action: "auth.login" });
  router.post("/v1/auth/login", throttle, async (req, res) => {
    const { username, password } = parse(loginSchema, req.body);
    const user = await dataSource
      .getRepository(AdminUserEntity)
      .createQueryBuilder("user")
      .addSelect("user.passwordHash")
      .where("user.username = :username", { username })
      .getOne();
    const valid = user ? await verifySecret(password, user.passwordHash) : await burnVerification(password);
    if (!user || !valid || user.roles.length === 0) {
      await audit.record(auditInput(req, { action: "auth.login", actorType: "admin", actorId: user?.id, decision: "deny", reason: user ? "password_wrong" : "user_unknown", status: 401 }));
      throw problems.unauthorized("Wrong username or password");
    }
    const token = issueToken(keys, config.JWT_ISSUER, ADMIN_AUDIENCE, { sub: user.id, scope: user.roles.join(" "), gen: user.tokenGeneration }, config.ADMIN_TOKEN_TTL_SECONDS);
    await audit.record(auditInput(req, { action: "auth.login", actorType: "admin", actorId: user.id, decision: "allow", status: 200 }));
    res.setHeader("Cache-Control", "no-store");
    res.json(token);
  });
  return router;
}
