import { useEffect, useState } from "preact/hooks";

/**
 * Unsent form content, kept in this tab's sessionStorage while the user types, so that a session that
 * expires mid-form loses nothing: after signing in again the same form opens with the same content.
 * Gone when the tab closes; cleared on sending and on signing out.
 */
const PREFIX = "dealer-gateway.console.draft:";

function read<T>(key: string): T | null {
  try {
    const text = sessionStorage.getItem(PREFIX + key);
    return text === null ? null : (JSON.parse(text) as T);
  } catch {
    return null;
  }
}

export function hasKeptDraft(key: string): boolean {
  return read(key) !== null;
}

export function anyKeptDraft(): boolean {
  try {
    return Object.keys(sessionStorage).some((key) => key.startsWith(PREFIX));
  } catch {
    return false;
  }
}

export function forgetDraft(key: string): void {
  try {
    sessionStorage.removeItem(PREFIX + key);
  } catch {
    // Storage disabled: nothing was kept.
  }
}

export function forgetAllDrafts(): void {
  try {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
  } catch {
    // Storage disabled: nothing was kept.
  }
}

/** Like useState, but the value survives a re-sign-in; `forget` once the form has been sent. */
export function useKeptDraft<T>(key: string, initial: T): [T, (next: T | ((previous: T) => T)) => void, () => void] {
  const [value, setValue] = useState<T>(() => ({ ...initial, ...(read<T>(key) ?? {}) }));
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!touched) return;
    try {
      sessionStorage.setItem(PREFIX + key, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the form still works, it just is not kept.
    }
  }, [key, value, touched]);
  const set = (next: T | ((previous: T) => T)) => {
    setTouched(true);
    setValue(next);
  };
  const forget = () => {
    setTouched(false);
    forgetDraft(key);
  };
  return [value, set, forget];
}
