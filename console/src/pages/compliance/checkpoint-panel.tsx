import { t } from "../../i18n/translate";
import { useRef } from "preact/hooks";
import type { Checkpoint } from "../../api/types";
import type { Resource } from "../../ui/use-resource";
import { Button } from "../../ui/button";
import { CopyButton } from "../../ui/copy-button";
import { saveBlob } from "../../ui/download";
import { ErrorNotice } from "../../ui/error-notice";
import { TextAreaField } from "../../ui/fields";
import { formatExactTime, timeAgo } from "../../ui/format";
import { Loading, Panel } from "../../ui/page";
import { useNow } from "../../ui/use-now";

/** `dealer-gateway/audit-log` at size 1234 is saved as `dealer-gateway-audit-log-checkpoint-1234.txt`. */
const noteFilename = (checkpoint: Checkpoint) => `${checkpoint.origin.replace(/[^A-Za-z0-9.-]+/g, "-")}-checkpoint-${checkpoint.treeSize}.txt`;

function Age({ createdAt }: { createdAt: string | null }) {
  const now = useNow();
  if (!createdAt) return <p>Nothing has been written to the log yet, so no checkpoint has been signed.</p>;
  const exact = formatExactTime(createdAt);
  return (
    <p class="checkpoint-age">
      Signed <strong>{timeAgo(createdAt, now)}</strong> <span class="muted">· <time dateTime={createdAt} title={createdAt}>{exact}</time></span>
    </p>
  );
}

/** The latest signed checkpoint, to copy or download and keep outside the gateway. */
export function CheckpointPanel({ checkpoint }: { checkpoint: Resource<Checkpoint> }) {
  const noteField = useRef<HTMLTextAreaElement>(null);
  const data = checkpoint.data;
  const download = () => data && saveBlob(new Blob([data.note], { type: "text/plain;charset=utf-8" }), noteFilename(data));
  return (
    <Panel title={t("integrity.latest")} actions={<Button busy={checkpoint.loading} onClick={checkpoint.reload}>{t("integrity.reload")}</Button>}>
      <ErrorNotice problem={checkpoint.problem} />
      {checkpoint.loading && !data ? <Loading /> : data && (
        <>
          <Age createdAt={data.createdAt} />
          <dl class="facts">
            <div><dt>Tree size</dt><dd>{data.treeSize.toLocaleString()} events</dd></div>
            <div><dt>Origin</dt><dd class="mono">{data.origin}</dd></div>
            <div class="wide"><dt>Root hash</dt><dd class="mono">{data.rootHash}</dd></div>
            <div class="wide"><dt>Verifier key</dt><dd class="mono">{data.verifierKey}</dd></div>
          </dl>
          <TextAreaField label="Signed note" value={data.note} readOnly mono rows={5} textarea={noteField} name="checkpoint-note"
            hint="The C2SP checkpoint: origin, tree size and root hash, signed with the audit key. The verifier key above checks its signature." />
          <div class="checkpoint-actions">
            <Button small onClick={download} label="Download checkpoint">Download .txt</Button>
            <CopyButton text={data.note} what="checkpoint" input={() => noteField.current} />
          </div>
          <div class="notice">
            <p class="notice-title">Keep a copy outside the gateway</p>
            <p>
              Download the checkpoint and keep it where the gateway and its database administrators cannot change it: a compliance file,
              a ticket, an e-mail. Paste it below later: the check proves the log was not rolled back or rewritten since it was signed.
            </p>
          </div>
        </>
      )}
    </Panel>
  );
}
