import { useEffect, useState } from "preact/hooks";
import { currentSession, onSessionChange, type Role, type Session } from "./session-store";

export function useSession(): Session | null {
  const [session, setSession] = useState(currentSession);
  useEffect(() => onSessionChange(() => setSession(currentSession())), []);
  return session;
}

export const canManageCrm = (roles: readonly Role[]) => roles.includes("crm_admin");
export const canAudit = (roles: readonly Role[]) => roles.includes("compliance_auditor");
export const canCheckAccess = (roles: readonly Role[]) => canManageCrm(roles) || canAudit(roles);
