import { t } from "../../i18n/translate";
import { useState } from "preact/hooks";
import { verifyAgainstCheckpoint } from "../../api/audit";
import type { Problem } from "../../api/problem";
import type { VerifyResult } from "../../api/types";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { TextAreaField } from "../../ui/fields";
import { Panel } from "../../ui/page";
import { useAction } from "../../ui/use-resource";
import { isPastedCheckpoint, readPastedCheckpoint } from "./checkpoint-note";
import { VerifyVerdict } from "./verify-verdict";

/** A checkpoint kept from earlier, pasted back: the log must still extend it (`POST /v1/audit/verify`). */
export function HeldCheckpointPanel({ logOrigin }: { logOrigin?: string }) {
  const [text, setText] = useState("");
  const [pasteProblem, setPasteProblem] = useState<Problem | null>(null);
  const [answer, setAnswer] = useState<{ result: VerifyResult; heldSize: number } | null>(null);
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    setAnswer(null);
    action.clear();
    const pasted = readPastedCheckpoint(text, logOrigin);
    if (!isPastedCheckpoint(pasted)) return setPasteProblem(pasted);
    setPasteProblem(null);
    await action.run(async () => setAnswer({ result: await verifyAgainstCheckpoint(pasted.note), heldSize: pasted.treeSize }));
  };
  return (
    <Panel title={t("integrity.held")}>
      <form onSubmit={submit} aria-label={t("held.form")} noValidate>
        <TextAreaField label={t("held.note")} value={text} onInput={setText} mono rows={6} name="held-checkpoint" invalid={!!pasteProblem}
          hint={t("held.noteHint")} />
        <ErrorNotice problem={pasteProblem ?? action.problem} />
        <div class="actions"><Button type="submit" variant="primary" busy={action.busy}>{t("held.submit")}</Button></div>
      </form>
      {answer && <div class="held-answer"><VerifyVerdict result={answer.result} heldSize={answer.heldSize} /></div>}
    </Panel>
  );
}
