import { useEffect, useState } from "preact/hooks";

export const LOCALES = ["en", "nl", "fr"] as const;
export type Locale = (typeof LOCALES)[number];

/** What each language calls itself, for the switcher. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", nl: "Nederlands", fr: "Français" };

const STORAGE_KEY = "dealer-gateway.console.locale";
const listeners = new Set<() => void>();

/** The first of the browser's languages the console speaks (`fr-CH` gives `fr`), else English. */
export function browserLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const base = language.toLowerCase().split("-")[0] as Locale;
    if (LOCALES.includes(base)) return base;
  }
  return "en";
}

function initialLocale(): Locale {
  try {
    const chosen = localStorage.getItem(STORAGE_KEY) as Locale | null;
    if (chosen && LOCALES.includes(chosen)) return chosen;
  } catch {
    // Storage disabled: follow the browser.
  }
  return browserLocale(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

let current: Locale = initialLocale();
document.documentElement.lang = current;

export function currentLocale(): Locale {
  return current;
}

/**
 * The locale dates and numbers are written in: the browser's own regional form of the chosen language
 * (en-GB writes 05:05:57, en-US 5:05:57 AM; fr-CH and fr-FR differ in numbers), else the language itself.
 */
export function formattingLocale(): string {
  const regional = (navigator.languages?.length ? navigator.languages : [navigator.language])
    .find((language) => language.toLowerCase().split("-")[0] === current);
  return regional ?? current;
}

/** A choice made with the switcher is kept for the next visit; it is a preference, not personal data. */
export function chooseLocale(next: Locale): void {
  current = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Storage disabled: the choice lasts until the tab closes.
  }
  for (const listener of listeners) listener();
}

export function useLocale(): Locale {
  const [locale, setLocale] = useState(current);
  useEffect(() => {
    const update = () => setLocale(current);
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return locale;
}
