export type Role = "user_admin" | "crm_admin" | "compliance_auditor";

export interface Session {
  token: string;
  username: string;
  roles: Role[];
  /** Milliseconds since the epoch, from the token's `exp`. */
  expiresAt: number;
}

export type SessionEnd = "signed_out" | "expired";

/** Kept in sessionStorage at most: gone when the tab closes, never shared with other tabs or sent as a cookie. */
const STORAGE_KEY = "dealer-gateway.console.session";

let session: Session | null = restore();
let lastEnd: SessionEnd | null = null;
const listeners = new Set<() => void>();

function restore(): Session | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null") as Session | null;
    return stored && stored.expiresAt > Date.now() ? stored : null;
  } catch {
    return null;
  }
}

function changed(): void {
  for (const listener of listeners) listener();
}

export function currentSession(): Session | null {
  if (session && session.expiresAt <= Date.now()) endSession("expired");
  return session;
}

export function currentToken(): string | null {
  return currentSession()?.token ?? null;
}

export function lastSessionEnd(): SessionEnd | null {
  return lastEnd;
}

export function startSession(next: Session): void {
  session = next;
  lastEnd = null;
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Storage may be disabled; the session then lives in memory only.
  }
  changed();
}

export function endSession(reason: SessionEnd): void {
  if (!session) return;
  session = null;
  lastEnd = reason;
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage disabled: nothing was kept there.
  }
  changed();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
