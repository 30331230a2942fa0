const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const exactTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "long" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : "—";
}

/** To the second, with the time zone: for instants a person may have to quote. */
export function formatExactTime(iso: string): string {
  return exactTime.format(new Date(iso));
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? dateOnly.format(new Date(iso)) : "—";
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
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 86_400 * 2) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

/** "3 s ago", "4 min ago", "2 days ago"; a time slightly ahead of this browser's clock reads "just now". */
export function timeAgo(iso: string, now: number): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 1) return "just now";
  return `${seconds < 60 ? `${seconds} s` : humanAge(seconds)} ago`;
}

/** `service_delivery` reads "Service delivery". */
export function label(id: string): string {
  const words = id.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `preferredLanguage` reads "Preferred language"; the API's field names stay in tooltips and exports. */
export function fieldLabel(field: string): string {
  return label(field.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase());
}

export const fieldList = (fields: readonly string[]) => fields.map(fieldLabel).join(", ");
