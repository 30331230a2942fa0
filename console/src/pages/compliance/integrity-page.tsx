import { t } from "../../i18n/translate";
import { latestCheckpoint, verifyAuditLog } from "../../api/audit";
import type { PageProps } from "../../routes";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { Loading, Page, Panel } from "../../ui/page";
import { useResource } from "../../ui/use-resource";
import { CheckpointPanel } from "./checkpoint-panel";
import { HeldCheckpointPanel } from "./held-checkpoint-panel";
import { VerifyVerdict } from "./verify-verdict";

/** The verifiable log: its verification, its latest signed checkpoint, and a check against a checkpoint kept from earlier. */
export function IntegrityPage(_props: PageProps) {
  const result = useResource(() => verifyAuditLog(), []);
  const checkpoint = useResource(() => latestCheckpoint(), []);
  return (
    <Page title={t("nav.integrity")} intro={t("integrity.intro")}>
      <Panel title={t("integrity.verification")} actions={<Button busy={result.loading} onClick={result.reload}>{t("integrity.verifyAgain")}</Button>}>
        <ErrorNotice problem={result.problem} />
        {result.loading && !result.data ? <Loading /> : result.data && <VerifyVerdict result={result.data} />}
      </Panel>
      <CheckpointPanel checkpoint={checkpoint} />
      <HeldCheckpointPanel logOrigin={checkpoint.data?.origin} />
    </Page>
  );
}
