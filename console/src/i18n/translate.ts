import { currentLocale, formattingLocale, type Locale } from "./locale";
import { en, type MessageKey } from "./messages/en";
import { fr } from "./messages/fr";
import { nl } from "./messages/nl";

export type { MessageKey };
export const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, nl, fr };

export type MessageParams = Record<string, string | number>;

/** The message in the current language, `{name}` placeholders filled; numbers in the language's form. */
export function t(key: MessageKey, params: MessageParams = {}): string {
  const locale = currentLocale();
  const template = CATALOGUES[locale][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? value.toLocaleString(formattingLocale()) : value;
  });
}

/** A message key chosen at run time (a purpose id, a reason code); null when the catalogue has none. */
export function tMaybe(key: string, params: MessageParams = {}): string | null {
  return key in en ? t(key as MessageKey, params) : null;
}
