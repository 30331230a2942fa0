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
  if (!createdAt) return <p>{t("checkpoint.none")}</p>;
  const exact = formatExactTime(createdAt);
  return (
    <p class="checkpoint-age">
      {t("checkpoint.signed")} <strong>{timeAgo(createdAt, now)}</strong> <span class="muted">· <time dateTime={createdAt} title={createdAt}>{exact}</time></span>
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
            <div><dt>{t("checkpoint.treeSize")}</dt><dd>{t("verify.eventMany", { count: data.treeSize })}</dd></div>
            <div><dt>{t("checkpoint.origin")}</dt><dd class="mono">{data.origin}</dd></div>
            <div class="wide"><dt>{t("checkpoint.rootHash")}</dt><dd class="mono">{data.rootHash}</dd></div>
            <div class="wide"><dt>{t("checkpoint.verifierKey")}</dt><dd class="mono">{data.verifierKey}</dd></div>
          </dl>
          <TextAreaField label={t("checkpoint.note")} value={data.note} readOnly mono rows={5} textarea={noteField} name="checkpoint-note"
            hint={t("checkpoint.noteHint")} />
          <div class="checkpoint-actions">
            <Button small onClick={download} label={t("checkpoint.downloadLabel")}>{t("checkpoint.download")}</Button>
            <CopyButton text={data.note} what={t("copy.checkpoint")} input={() => noteField.current} />
          </div>
          <div class="notice">
            <p class="notice-title">{t("checkpoint.keepTitle")}</p>
            <p>{t("checkpoint.keepBody")}</p>
          </div>
        </>
      )}
    </Panel>
  );
}
