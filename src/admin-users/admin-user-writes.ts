import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { problems } from "../http/problem";
import { AdminUserEntity, type AdminUser, type Role } from "./admin-user.entity";

/** A new admin user, inside the caller's transaction; the username must be free. Used by the admin API and the CLI. */
export async function createAdminUser(manager: EntityManager, input: { username: string; passwordHash: string; roles: Role[] }, now: Date): Promise<AdminUser> {
  if (await manager.findOneBy(AdminUserEntity, { username: input.username })) throw problems.conflict("That username is taken");
  const at = now.toISOString();
  const created: AdminUser = { id: randomUUID(), username: input.username, passwordHash: input.passwordHash, roles: input.roles, tokenGeneration: 0, failedLogins: 0, lastFailedLoginAt: null, createdAt: at, updatedAt: at };
  await manager.insert(AdminUserEntity, created);
  return created;
}
