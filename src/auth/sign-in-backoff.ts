import type { DataSource } from "typeorm";
import type { Config } from "../config";

/**
 * Per-account throttling of admin sign-in, on top of the per-address limit: password guesses spread
 * over many addresses still meet a backoff. The state lives in the user's row, so it holds across
 * every gateway process. After `LOGIN_FAILURES_BEFORE_BACKOFF` wrong passwords in a row, each further
 * one closes the account to sign-in for `LOGIN_BACKOFF_BASE_SECONDS`, doubling up to
 * `LOGIN_BACKOFF_MAX_SECONDS`. Attempts while it is closed are refused unchecked and not counted, so a
 * guesser cannot stretch the wait: the rightful owner waits at most the cap, and a success clears it.
 */
export interface SignInState {
  failedLogins: number;
  lastFailedLoginAt: string | null;
}

export type BackoffSettings = Pick<Config, "LOGIN_FAILURES_BEFORE_BACKOFF" | "LOGIN_BACKOFF_BASE_SECONDS" | "LOGIN_BACKOFF_MAX_SECONDS">;

/** Failures older than this are forgotten: an occasional typo after a quiet day starts from nothing. */
const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;

/** Whether sign-in to this account is closed at `now`. */
export function signInClosed(state: SignInState, now: Date, settings: BackoffSettings): boolean {
  const beyondFree = state.failedLogins - settings.LOGIN_FAILURES_BEFORE_BACKOFF;
  if (state.lastFailedLoginAt === null || beyondFree < 0) return false;
  const last = Date.parse(state.lastFailedLoginAt);
  if (now.getTime() - last >= FAILURE_MEMORY_MS) return false;
  const waitSeconds = Math.min(settings.LOGIN_BACKOFF_BASE_SECONDS * 2 ** beyondFree, settings.LOGIN_BACKOFF_MAX_SECONDS);
  return now.getTime() < last + waitSeconds * 1000;
}

/**
 * Counts one wrong password, in one statement so that concurrent failures on several processes each
 * count. `failed_logins` is assigned first: MySQL evaluates SET left to right, and the CASE must see
 * the previous failure time.
 */
export async function recordFailedSignIn(dataSource: DataSource, userId: string, now: Date): Promise<void> {
  const forgetBefore = new Date(now.getTime() - FAILURE_MEMORY_MS).toISOString();
  await dataSource.query(
    `UPDATE admin_users
        SET failed_logins = CASE WHEN last_failed_login_at IS NULL OR last_failed_login_at <= ? THEN 1 ELSE failed_logins + 1 END,
            last_failed_login_at = ?
      WHERE id = ?`,
    [forgetBefore, now.toISOString(), userId],
  );
}

export async function clearFailedSignIns(dataSource: DataSource, userId: string): Promise<void> {
  await dataSource.query("UPDATE admin_users SET failed_logins = 0, last_failed_login_at = NULL WHERE id = ? AND failed_logins > 0", [userId]);
}
