import type { Request, Router } from "express";
import { z } from "zod";
import type { EntityManager } from "typeorm";
import type { AppDeps } from "../app-deps";
import { auditInput, type AuditFacts } from "../audit/audit-log";
import { auditedChange } from "../audit/audited-change";
import { hashSecret } from "../auth/password";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from "../auth/password-policy";
import { securedRouter } from "../auth/secured-router";
import { adminActor } from "../http/request-context";
import { problems } from "../http/problem";
import { parse } from "../http/validate";
import { idParam } from "../http/params";
import { AdminUserEntity, ROLES, type AdminUser, type Role } from "./admin-user.entity";
import { createAdminUser } from "./admin-user-writes";
import { assertMayChange, RoleRefusal } from "./role-authority";

const password = z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).max(PASSWORD_MAX_LENGTH)
  .describe("At least 12 characters; not a common or breached password, not the user name or a variant of it, not a repeat or a sequence. No composition rules.");
const roles = z.array(z.enum(ROLES)).min(1).max(ROLES.length).refine((list) => new Set(list).size === list.length, "must not repeat a role");
export const createSchema = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9._@-]{3,64}$/, "3-64 letters, digits or . _ @ -"),
  password,
  roles,
}).superRefine((body, ctx) => {
  // A length out of bounds is reported by the field itself.
  if (typeof body.password !== "string" || [...body.password].length < PASSWORD_MIN_LENGTH || body.password.length > PASSWORD_MAX_LENGTH) return;
  const problem = passwordProblem(body.password, typeof body.username === "string" ? body.username : "");
  if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
});
export const updateSchema = z.strictObject({ password: password.optional(), roles: roles.optional() })
  .refine((body) => body.password !== undefined || body.roles !== undefined, "give a password or roles to change");

/** The password policy for a user whose name is known only once the user is read (a change, not a creation). */
function assertPasswordAllowed(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw problems.validation(`Invalid body: password: ${problem}`, [{ path: "password", message: problem }]);
}

export type PublicUser = Pick<AdminUser, "id" | "username" | "roles" | "createdAt" | "updatedAt">;

/** What the API shows of a user: never the password hash or the sign-in state. */
export function publicUser(user: AdminUser): PublicUser {
  const { id, username, roles, createdAt, updatedAt } = user;
  return { id, username, roles, createdAt, updatedAt };
}

/**
 * Refuses a change that would leave nobody able to manage admin users. The role rule already keeps the
 * caller's own user_admin; this still holds when the caller loses it to a concurrent change.
 */
async function assertUserAdminRemains(manager: EntityManager, changingId: string, keepsRole: boolean): Promise<void> {
  if (keepsRole) return;
  const others = (await manager.find(AdminUserEntity)).filter((user) => user.id !== changingId && user.roles.includes("user_admin"));
  if (others.length === 0) throw problems.conflict("At least one user must keep the user_admin role");
}

async function findUser(manager: EntityManager, id: string): Promise<AdminUser> {
  const user = await manager.findOneBy(AdminUserEntity, { id });
  if (!user) throw problems.notFound("No such admin user");
  return user;
}

/**
 * An audited user change whose work checks the role rule (`assertMayChange`) on the rows it reads; a
 * change the rule refuses is rolled back, then audited as a denial, so attempts to escalate are on record.
 */
async function userChange<T>(
  deps: AppDeps,
  req: Request,
  action: string,
  targetId: string | undefined,
  work: (manager: EntityManager) => Promise<T>,
  facts: (result: T) => Omit<AuditFacts, "decision" | "status" | "action"> & { status?: number },
): Promise<T> {
  try {
    return await auditedChange(deps, req, work, (result) => ({ action, ...facts(result) }));
  } catch (error) {
    if (error instanceof RoleRefusal) {
      const detail = { ...(targetId ? { userId: targetId } : {}), roles: error.roles };
      await deps.audit.record(auditInput(req, { action, decision: "deny", reason: error.reason, status: 403, detail }));
    }
    throw error;
  }
}

/** Admin users: `user_admin` only, and only over the roles the caller holds itself (`roleRefusal`). */
export function adminUserRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  const USER_ADMIN: [Role] = ["user_admin"];

  routes.post("/v1/admin/users", USER_ADMIN, async (req, res) => {
    const body = parse(createSchema, req.body);
    const passwordHash = await hashSecret(body.password);
    const user = await userChange(deps, req, "user.create", undefined, (manager) => {
      assertMayChange(adminActor(req), { rolesAfter: body.roles });
      return createAdminUser(manager, { username: body.username, passwordHash, roles: body.roles }, deps.clock());
    }, (created) => ({ status: 201, detail: { userId: created.id, roles: created.roles } }));
    res.status(201).location(`/v1/admin/users/${user.id}`).json(publicUser(user));
  });

  routes.get("/v1/admin/users", USER_ADMIN, async (_req, res) => {
    const users = await deps.dataSource.getRepository(AdminUserEntity).find({ order: { username: "ASC" } });
    res.json({ items: users.map(publicUser) });
  });

  routes.get("/v1/admin/users/:id", USER_ADMIN, async (req, res) => {
    res.json(publicUser(await findUser(deps.dataSource.manager, idParam(req))));
  });

  routes.patch("/v1/admin/users/:id", USER_ADMIN, async (req, res) => {
    const id = idParam(req);
    const body = parse(updateSchema, req.body);
    if (body.password) assertPasswordAllowed(body.password, (await findUser(deps.dataSource.manager, id)).username);
    const passwordHash = body.password ? await hashSecret(body.password) : undefined;
    const user = await userChange(deps, req, "user.update", id, async (manager) => {
      const existing = await findUser(manager, id);
      assertMayChange(adminActor(req), { targetId: id, rolesBefore: existing.roles, rolesAfter: body.roles });
      if (body.roles) await assertUserAdminRemains(manager, id, body.roles.includes("user_admin"));
      const changes = { ...(body.roles ? { roles: body.roles } : {}), ...(passwordHash ? { passwordHash } : {}), updatedAt: deps.clock().toISOString() };
      // A new password revokes every token of the user at once; incremented in SQL, so concurrent changes each count.
      await manager.update(AdminUserEntity, { id }, { ...changes, ...(passwordHash ? { tokenGeneration: () => "token_generation + 1" } : {}) });
      return { ...existing, ...changes };
    }, (updated) => ({ detail: { userId: updated.id, roles: updated.roles, passwordChanged: Boolean(passwordHash) } }));
    res.json(publicUser(user));
  });

  routes.delete("/v1/admin/users/:id", USER_ADMIN, async (req, res) => {
    const id = idParam(req);
    if (id === adminActor(req).id) throw problems.conflict("You cannot delete your own account");
    await userChange(deps, req, "user.delete", id, async (manager) => {
      assertMayChange(adminActor(req), { targetId: id, rolesBefore: (await findUser(manager, id)).roles });
      await assertUserAdminRemains(manager, id, false);
      await manager.delete(AdminUserEntity, { id });
    }, () => ({ status: 204, detail: { userId: id } }));
    res.status(204).end();
  });
  return routes.router;
}
