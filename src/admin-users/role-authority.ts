import { AppError } from "../http/problem";
import type { AdminActor } from "../http/request-context";
import { ROLES, type Role } from "./admin-user.entity";

export type RoleRefusalReason = "role_not_held" | "own_roles";

/** A user change refused by the rule below: a 403 whose reason and roles go to the audit log. */
export class RoleRefusal extends AppError {
  constructor(
    readonly reason: RoleRefusalReason,
    readonly roles: Role[],
    detail: string,
  ) {
    super(403, "forbidden", "Forbidden", detail);
  }
}

export interface UserChange {
  /** The user changed or deleted; absent for a creation. */
  targetId?: string;
  /** The roles the user holds now; absent for a creation. */
  rolesBefore?: Role[];
  /** The roles the change gives; absent when it leaves them alone. */
  rolesAfter?: Role[];
}

/**
 * Role separation (contract section 2) must not rest on trusting user admins: an admin may create,
 * change (roles or password) or delete a user only when it holds every role that user has and is to
 * have, and nobody changes their own roles. Otherwise a `user_admin` could grant itself `crm_admin`,
 * or reset an auditor's password and sign in as them. The bootstrap admin holds every role, so it
 * creates the first users.
 */
export function roleRefusal(actor: AdminActor, change: UserChange): RoleRefusal | undefined {
  if (change.targetId === actor.id && change.rolesAfter) {
    return new RoleRefusal("own_roles", [], "You cannot change your own roles; another user_admin holding them can");
  }
  const touched = new Set([...(change.rolesBefore ?? []), ...(change.rolesAfter ?? [])]);
  const missing = ROLES.filter((role) => touched.has(role) && !actor.roles.includes(role));
  if (missing.length === 0) return undefined;
  return new RoleRefusal("role_not_held", missing, `Only a holder of a role may grant it or manage a user who holds it; you do not hold ${missing.join(", ")}`);
}

export function assertMayChange(actor: AdminActor, change: UserChange): void {
  const refusal = roleRefusal(actor, change);
  if (refusal) throw refusal;
}
