import type { VerifyProblem, VerifyResult } from "../../api/types";
import { t, type MessageKey } from "../../i18n/translate";
import { formatNumber } from "../../ui/format";
import { StatusBadge } from "../../ui/status-badge";

/** Each problem `GET` and `POST /v1/audit/verify` can report, in words; `held` when a pasted checkpoint was part of the check. */
const PROBLEM_WORDS: Record<VerifyProblem, { log: MessageKey; held?: MessageKey }> = {
  changed: { log: "verify.problem.changed" },
  deleted: { log: "verify.problem.deleted" },
  inserted: { log: "verify.problem.inserted" },
  signature: { log: "verify.problem.signature", held: "verify.problem.signatureHeld" },
  inconsistent: { log: "verify.problem.inconsistent", held: "verify.problem.inconsistentHeld" },
};

function sentence(result: VerifyResult, heldSize: number | undefined): string {
  const events = t(result.checked === 1 ? "verify.eventOne" : "verify.eventMany", { count: result.checked });
  if (!result.ok) {
    const words = result.problem ? PROBLEM_WORDS[result.problem] : undefined;
    return t((heldSize !== undefined ? words?.held : undefined) ?? words?.log ?? "verify.problem.unknown");
  }
  if (heldSize !== undefined) return t("verify.extends", { size: heldSize, events });
  return t("verify.ok", { events, size: result.treeSize });
}

/** The answer of a verification, with the problem explained; `heldSize` is the tree size of the checkpoint checked against. */
export function VerifyVerdict({ result, heldSize }: { result: VerifyResult; heldSize?: number }) {
  return (
    <>
      <div class={`verdict ${result.ok ? "verdict-allow" : "verdict-deny"}`} role="status">
        <StatusBadge status={result.ok ? "ok" : "broken"} label={result.ok ? t("verify.intact") : t("verify.failed")} />
        <p>{sentence(result, heldSize)}</p>
      </div>
      <dl class="facts compact">
        <div><dt>{t("verify.checked")}</dt><dd>{formatNumber(result.checked)}</dd></div>
        <div><dt>{t("verify.inTree")}</dt><dd>{formatNumber(result.treeSize)}</dd></div>
        {result.problem && <div><dt>{t("verify.problemCode")}</dt><dd><code>{result.problem}</code></dd></div>}
        {result.firstBadEventId && <div class="wide"><dt>{t("verify.firstBad")}</dt><dd class="mono">{result.firstBadEventId}</dd></div>}
      </dl>
      {!result.ok && (
        <p class="muted small">
          {t(result.firstBadEventId ? "verify.quoteWithId" : "verify.quote")} <code>npx dealer-gateway verify-audit --full</code> {t("verify.recheck")}
        </p>
      )}
    </>
  );
}
