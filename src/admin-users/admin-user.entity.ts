import { EntitySchema } from "typeorm";
import { column } from "../db/columns";

export const ROLES = ["user_admin", "crm_admin", "compliance_auditor"] as const;
export type Role = (typeof ROLES)[number];

export interface AdminUser {
  id: string;
  username: string;
  passwordHash: string;
  roles: Role[];
  /** Carried by every admin token as `gen`; a password change advances it, so older tokens are refused. */
  tokenGeneration: number;
  /** Wrong passwords in a row, and when the last came: the per-account sign-in backoff (`sign-in-backoff.ts`). */
  failedLogins: number;
  lastFailedLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const AdminUserEntity = new EntitySchema<AdminUser>({
  name: "AdminUser",
  tableName: "admin_users",
  columns: {
    id: column.id(),
    username: column.str("username", 64),
    passwordHash: { ...column.str("password_hash", 255), select: false },
    roles: {
      ...column.str("roles", 255),
      transformer: { to: (roles: Role[]) => roles.join(","), from: (value: string) => (value ? value.split(",") : []) },
    },
    tokenGeneration: { name: "token_generation", type: "integer", default: 0 },
    failedLogins: { name: "failed_logins", type: "integer", default: 0 },
    lastFailedLoginAt: column.at("last_failed_login_at", true),
    createdAt: column.at("created_at"),
    updatedAt: column.at("updated_at"),
  },
  indices: [{ name: "uq_admin_users_username", columns: ["username"], unique: true }],
});
