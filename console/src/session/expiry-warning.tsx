import { t } from "../i18n/translate";
import { useNow } from "../ui/use-now";

/** Warn this long before the token runs out: enough to finish a form, or to sign in again calmly. */
export const WARN_BEFORE_MS = 2 * 60_000;

export function ExpiryWarning({ expiresAt }: { expiresAt: number }) {
  const now = useNow(1000);
  const left = expiresAt - now;
  if (left > WARN_BEFORE_MS || left <= 0) return null;
  const seconds = Math.ceil(left / 1000);
  return (
    <div class="notice notice-warn session-warning" role="alert">
      {seconds >= 60 ? t("session.warning", { minutes: Math.ceil(seconds / 60) }) : t("session.warningSeconds", { seconds })}
    </div>
  );
}
