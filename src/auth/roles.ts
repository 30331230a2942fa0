import type { Request, RequestHandler } from "express";
import type { Role } from "../admin-users/admin-user.entity";
import { problems } from "../http/problem";

export type RoleGuard = RequestHandler & { requiredRoles: readonly Role[] };

/** Passes when the admin holds at least one of the roles. Marked so a test can prove every admin route has one. */
export function requireRoles(...roles: [Role, ...Role[]]): RoleGuard {
  const guard = ((req: Request, _res, next) => {
    const actor = req.ctx.actor;
    if (actor?.type !== "admin") return next(problems.unauthorized());
    if (!roles.some((role) => actor.roles.includes(role))) return next(problems.forbidden());
    next();
  }) as RoleGuard;
  guard.requiredRoles = roles;
  return guard;
}

export function isRoleGuard(handler: unknown): handler is RoleGuard {
  return typeof handler === "function" && Array.isArray((handler as Partial<RoleGuard>).requiredRoles);
}
