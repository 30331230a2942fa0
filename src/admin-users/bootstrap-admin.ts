import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { hashSecret } from "../auth/password";
import { passwordProblem } from "../auth/password-policy";
import { isUniqueViolation } from "../db/db-errors";
import { AdminUserEntity, ROLES } from "./admin-user.entity";

/** Creates the first admin, holding every role, when there is none and a password is configured; the password policy applies. */
export async function bootstrapAdmin(dataSource: DataSource, username: string, password: string | undefined, now: Date): Promise<boolean> {
  if (!password) return false;
  const repository = dataSource.getRepository(AdminUserEntity);
  if ((await repository.count()) > 0) return false;
  const problem = passwordProblem(password, username);
  if (problem) throw new Error(`GATEWAY_ADMIN_PASSWORD ${problem}: no admin user was created`);
  const at = now.toISOString();
  try {
    await repository.insert({ id: randomUUID(), username, passwordHash: await hashSecret(password), roles: [...ROLES], tokenGeneration: 0, failedLogins: 0, lastFailedLoginAt: null, createdAt: at, updatedAt: at });
  } catch (error) {
    // Several gateways starting together on one database: another one created the user first.
    if (isUniqueViolation(error)) return false;
    throw error;
  }
  return true;
}
