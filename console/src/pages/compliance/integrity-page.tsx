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
    <Page title="Log integrity" intro="Every audit event is signed when it is written and added to a Merkle tree; the gateway signs a checkpoint of the tree at least once a second while events arrive. Verifying checks every event against those signatures.">
      <Panel title="Verification" actions={<Button busy={result.loading} onClick={result.reload}>Verify again</Button>}>
        <ErrorNotice problem={result.problem} />
        {result.loading && !result.data ? <Loading /> : result.data && <VerifyVerdict result={result.data} />}
      </Panel>
      <CheckpointPanel checkpoint={checkpoint} />
      <HeldCheckpointPanel logOrigin={checkpoint.data?.origin} />
    </Page>
  );
}
