import { tMaybe } from "../i18n/translate";

const TONE: Record<string, "good" | "bad" | "neutral" | "warn"> = {
  active: "good", allow: "good", allowed: "good", ok: "good",
  suspended: "warn", restricted: "warn", expired: "neutral", revoked: "neutral", withdrawn: "neutral",
  erased: "bad", deny: "bad", denied: "bad", broken: "bad",
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span class={`badge badge-${TONE[status] ?? "neutral"}`}>{label ?? tMaybe(`badge.${status}`) ?? status.replace(/_/g, " ")}</span>;
}
