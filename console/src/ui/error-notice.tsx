import type { Problem } from "../api/problem";
import { t } from "../i18n/translate";

interface ErrorNoticeProps {
  problem: Problem | null;
  /** The API paths a form shows on its own fields: those errors are told there, not here again. */
  shownOnFields?: readonly string[];
}

/**
 * What went wrong, said once. A validation problem whose every error sits on a field of the form says
 * only that fields need attention; errors of paths the form has no field for are listed with their path.
 */
export function ErrorNotice({ problem, shownOnFields = [] }: ErrorNoticeProps) {
  if (!problem) return null;
  const errors = problem.errors ?? [];
  const elsewhere = errors.filter((error) => !shownOnFields.includes(error.path));
  const fieldsOnly = errors.length > 0 && elsewhere.length === 0;
  return (
    <div class="notice notice-error" role="alert">
      <p class="notice-title">{errors.length > 0 ? t("ui.fixFields") : problem.title ?? t("ui.requestFailed")}</p>
      {errors.length === 0 && problem.detail && <p>{problem.detail}</p>}
      {!fieldsOnly && elsewhere.length > 0 && (
        <ul>
          {elsewhere.map((error) => <li key={error.path + error.message}><code>{error.path}</code> {error.message}</li>)}
        </ul>
      )}
      {problem.requestId && <p class="muted small">{t("ui.requestId", { id: problem.requestId })}</p>}
    </div>
  );
}

export function SuccessNotice({ message }: { message: string | null }) {
  if (!message) return null;
  return <div class="notice notice-success" role="status">{message}</div>;
}
