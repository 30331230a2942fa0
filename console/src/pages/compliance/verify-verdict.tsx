import type { VerifyProblem, VerifyResult } from "../../api/types";
import { StatusBadge } from "../../ui/status-badge";

/** Each problem `GET` and `POST /v1/audit/verify` can report, in words; `held` when a pasted checkpoint was part of the check. */
const PROBLEM_WORDS: Record<VerifyProblem, { log: string; held?: string }> = {
  changed: { log: "An event was changed after it was written: it no longer matches what the audit key signed." },
  deleted: { log: "An event was deleted: the log is missing an event it had signed." },
  inserted: { log: "An event was slipped into the log: it was never signed when it was written." },
  signature: {
    log: "A signature does not check out: the latest checkpoint or a batch of events is not signed by this gateway's audit key.",
    held: "A signature does not check out: the checkpoint you pasted is not signed by this log's audit key (it was edited, or it comes from "
      + "another log), or the log's own checkpoint or a batch of events is not.",
  },
  inconsistent: {
    log: "The log was rolled back or rewritten: it no longer extends a checkpoint seen before (the witness file's last one, or the tree "
      + "this gateway verified earlier).",
    held: "The log was rolled back or rewritten since your checkpoint was signed: it no longer extends it.",
  },
};

function sentence(result: VerifyResult, heldSize: number | undefined): string {
  const events = `${result.checked.toLocaleString()} ${result.checked === 1 ? "event" : "events"}`;
  if (!result.ok) {
    const words = result.problem ? PROBLEM_WORDS[result.problem] : undefined;
    return (heldSize !== undefined ? words?.held : undefined) ?? words?.log ?? "The log does not check out.";
  }
  if (heldSize !== undefined) {
    return `The log extends your checkpoint of ${heldSize.toLocaleString()} events: nothing in it was rolled back or rewritten since, and all ${events} check out.`;
  }
  return `All ${events} check out: ${result.treeSize.toLocaleString()} in the latest signed checkpoint, any newer ones by the signature they were written with.`;
}

/** The answer of a verification, with the problem explained; `heldSize` is the tree size of the checkpoint checked against. */
export function VerifyVerdict({ result, heldSize }: { result: VerifyResult; heldSize?: number }) {
  return (
    <>
      <div class={`verdict ${result.ok ? "verdict-allow" : "verdict-deny"}`} role="status">
        <StatusBadge status={result.ok ? "ok" : "broken"} label={result.ok ? "Intact" : "Check failed"} />
        <p>{sentence(result, heldSize)}</p>
      </div>
      <dl class="facts compact">
        <div><dt>Events checked</dt><dd>{result.checked.toLocaleString()}</dd></div>
        <div><dt>In the signed tree</dt><dd>{result.treeSize.toLocaleString()}</dd></div>
        {result.problem && <div><dt>Problem code</dt><dd><code>{result.problem}</code></dd></div>}
        {result.firstBadEventId && <div class="wide"><dt>First bad event</dt><dd class="mono">{result.firstBadEventId}</dd></div>}
      </dl>
      {!result.ok && (
        <p class="muted small">
          Quote the problem code{result.firstBadEventId ? " and the event id" : ""} when you report this. <code>npx dealer-gateway verify-audit --full</code> re-checks
          every event from the first one.
        </p>
      )}
    </>
  );
}
