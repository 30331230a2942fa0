import { formattingLocale } from "../i18n/locale";
import { t, tMaybe } from "../i18n/translate";

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per language and style, built on first use. */
function formatter(style: "dateTime" | "date" | "day"): Intl.DateTimeFormat {
  const locale = formattingLocale();
  const key = `${locale}:${style}`;
  let found = formatters.get(key);
  if (!found) {
    const options: Intl.DateTimeFormatOptions = style === "dateTime" ? { dateStyle: "medium", timeStyle: "long" }
      : style === "date" ? { dateStyle: "medium" } : { day: "numeric", month: "short" };
    found = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, found);
  }
  return found;
}

/** To the second, with the time zone: instants are what a person may have to quote. */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? formatter("dateTime").format(new Date(iso)) : "—";
}

export const formatExactTime = (iso: string) => formatDateTime(iso);

export function formatDate(iso: string | null | undefined): string {
  return iso ? formatter("date").format(new Date(iso)) : "—";
}

/** A local calendar day (YYYY-MM-DD) as "30 Nov", in the chosen language. */
export function formatShortDay(day: string): string {
  return formatter("day").format(new Date(`${day}T12:00:00`));
}

/** An amount in its currency, written the way the chosen language writes money. */
export function formatMoney(amount: number, currency?: string): string {
  return currency ? new Intl.NumberFormat(formattingLocale(), { style: "currency", currency }).format(amount) : formatNumber(amount);
}

export function formatNumber(value: number): string {
  return value.toLocaleString(formattingLocale());
}

/** The browser's time zone, which every time on screen and every chart day is given in. */
export function timeZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** A UUID's first block: enough to tell rows apart; the full id goes in a tooltip or a detail view. */
export function shortId(id: string | null | undefined): string {
  if (!id) return "—";
  if (/^[0-9a-f]{8}-/i.test(id)) return id.slice(0, 8);
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

/** A `datetime-local` value is the user's local time; the API wants an instant with a zone. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

export function humanAge(seconds: number): string {
  if (seconds < 3600) return t("ui.minutes", { count: Math.max(1, Math.round(seconds / 60)) });
  if (seconds < 86_400 * 2) return t("ui.hours", { count: Math.round(seconds / 3600) });
  return t("ui.days", { count: Math.round(seconds / 86_400) });
}

/** "3 s ago", "4 min ago", "2 days ago"; a time slightly ahead of this browser's clock reads "just now". */
export function timeAgo(iso: string, now: number): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 1) return t("ui.justNow");
  return seconds < 60 ? t("ui.secondsAgo", { count: seconds }) : t("ui.ago", { age: humanAge(seconds) });
}

/** `service_delivery` reads "Service delivery" (or its catalogue words, for a known purpose, channel or decision reason). */
export function label(id: string): string {
  const known = tMaybe(`purpose.${id}`) ?? tMaybe(`channel.${id}`) ?? tMaybe(`reasonShort.${id}`);
  if (known) return known;
  const words = id.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `preferredLanguage` reads "Preferred language"; the API's field names stay in tooltips and exports. */
export function fieldLabel(field: string): string {
  return tMaybe(`field.${field}`) ?? label(field.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase());
}

export const fieldList = (fields: readonly string[]) => fields.map(fieldLabel).join(", ");
