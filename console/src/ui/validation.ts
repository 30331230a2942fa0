import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import type { Problem } from "../api/problem";
import { t } from "../i18n/translate";

/** What is wrong with each field of a form, in words; a field without an entry is fine. */
export type FieldErrors<K extends string> = Partial<Record<K, string>>;

export const hasErrors = (errors: Record<string, string | undefined>) => Object.values(errors).some(Boolean);

export const requiredText = (value: string, field: string) => (value.trim() === "" ? t("valid.required", { field: field.toLowerCase() }) : undefined);
export const emailError = (value: string) => (value.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) ? t("valid.email") : undefined);
export const countryError = (value: string) => (value.trim() && !/^[A-Za-z]{2}$/.test(value.trim()) ? t("valid.country") : undefined);
export const languageError = (value: string) => (value.trim() && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value.trim()) ? t("valid.language") : undefined);
export const dateError = (value: string) => (value.trim() && !/^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? t("valid.date") : undefined);

/**
 * A phone number in E.164, from the international form or from the national form of the address's
 * country ("06 12 34 56 78" with FR gives +33612345678); null when it is not a valid number.
 */
export function normalisePhone(raw: string, country?: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), (country?.toUpperCase() || undefined) as CountryCode | undefined);
  return parsed?.isValid() ? parsed.number : null;
}

export const phoneError = (value: string, country?: string) => (value.trim() && !normalisePhone(value, country) ? t("valid.phone") : undefined);

/**
 * The gateway's own field errors put on the form's fields, in the user's language: `paths` maps an API
 * path (`name.given`) to the form's field. Errors of other paths stay with the notice.
 */
export function serverFieldErrors<K extends string>(problem: Problem | null, paths: Record<string, K>): FieldErrors<K> {
  const errors: FieldErrors<K> = {};
  for (const error of problem?.errors ?? []) {
    const field = paths[error.path];
    if (field && !errors[field]) errors[field] = t("valid.server");
  }
  return errors;
}
