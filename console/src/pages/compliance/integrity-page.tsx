import { verifyAuditLog } from "../../api/audit";
import type { PageProps } from "../../routes";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { Loading, Page, Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { useResource } from "../../ui/use-resource";

const PROBLEM: Record<string, string> = {
  changed: "an event was changed", deleted: "an event was deleted", inserted: "an event was inserted out of order", seal_altered: "a seal was altered",
};

/** The hash-chain check of the audit log: any sealed event changed, deleted or inserted out of order shows here. */
export function IntegrityPage(_props: PageProps) {
  const result = useResource(() => verifyAuditLog(), []);
  return (
    <Page title="Log integrity" intro="The audit log is sealed in a hash chain. Verifying recomputes the chain over every sealed event.">
      <Panel title="Verification" actions={<Button busy={result.loading} onClick={result.reload}>Verify again</Button>}>
        <ErrorNotice problem={result.problem} />
        {result.loading && !result.data ? <Loading /> : result.data && (
          <div class={`verdict ${result.data.ok ? "verdict-allow" : "verdict-deny"}`} role="status">
            <StatusBadge status={result.data.ok ? "ok" : "broken"} label={result.data.ok ? "Intact" : "Tampered"} />
            <p>
              {result.data.ok && result.data.checked === 0
                ? "Nothing is sealed yet: the newest events are sealed shortly after they are written."
                : result.data.ok
                ? `All ${result.data.checked.toLocaleString()} sealed events check out.`
                : `The chain breaks at event ${result.data.firstBadEventId ?? "unknown"}${result.data.problem ? ` (${PROBLEM[result.data.problem]})` : ""}.`}
            </p>
          </div>
        )}
        {result.data && (
          <dl class="facts">
            <div><dt>Sealed events checked</dt><dd>{result.data.checked.toLocaleString()}</dd></div>
            {result.data.unsealed !== undefined && <div><dt>Not yet sealed</dt><dd>{result.data.unsealed.toLocaleString()}</dd></div>}
            {result.data.head && <div class="wide"><dt>Chain head</dt><dd class="mono">{result.data.head.chainHash}</dd></div>}
          </dl>
        )}
        {result.data?.head && <p class="muted small">Note the chain head: comparing it later proves the sealed history was not rewritten as a whole.</p>}
      </Panel>
    </Page>
  );
}
