import type { Role } from "./session-store";

const KNOWN_ROLES: readonly Role[] = ["user_admin", "crm_admin", "compliance_auditor"];

/**
 * The roles and expiry the gateway put in the token. Reading them only decides which pages to show;
 * the API checks the signature and the roles on every call.
 */
export function tokenClaims(token: string): { roles: Role[]; expiresAt: number } {
  const payload = token.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
  const claims = JSON.parse(json) as { scope?: string; exp?: number };
  const roles = (claims.scope ?? "").split(" ").filter((scope): scope is Role => KNOWN_ROLES.includes(scope as Role));
  return { roles, expiresAt: (claims.exp ?? 0) * 1000 };
}
