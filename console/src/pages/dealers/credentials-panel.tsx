import { t } from "../../i18n/translate";
import { useState } from "preact/hooks";
import { issueCredential, listCredentials, revokeCredential } from "../../api/crm";
import type { Credential, IssuedCredential } from "../../api/types";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { ErrorNotice } from "../../ui/error-notice";
import { formatDateTime } from "../../ui/format";
import { Loading, Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { useAction, useResource } from "../../ui/use-resource";
import { IssuedSecret } from "./issued-secret";

/** The message around the client id, which stays in code type whatever the language's word order. */
function RevokeBody({ clientId }: { clientId: string }) {
  const [before, after] = t("credentials.revokeBody").split("{clientId}");
  return <p>{before}<code>{clientId}</code>{after}</p>;
}

export function CredentialsPanel({ dealerId }: { dealerId: string }) {
  const credentials = useResource(() => listCredentials(dealerId), [dealerId]);
  const issue = useAction();
  const revoke = useAction();
  const [issued, setIssued] = useState<IssuedCredential | null>(null);
  const [revoking, setRevoking] = useState<Credential | null>(null);
  const onIssue = async () => {
    let created: IssuedCredential | undefined;
    if (await issue.run(async () => { created = await issueCredential(dealerId); })) {
      setIssued(created ?? null);
      credentials.reload();
    }
  };
  const onRevoke = async () => {
    if (revoking && await revoke.run(() => revokeCredential(dealerId, revoking.clientId))) {
      setRevoking(null);
      credentials.reload();
    }
  };
  return (
    <Panel title={t("credentials.title")} actions={<Button variant="primary" busy={issue.busy} onClick={onIssue}>{t("credentials.issue")}</Button>}>
      <p class="muted">{t("credentials.intro")}</p>
      <ErrorNotice problem={issue.problem} />
      {issued && <IssuedSecret credential={issued} onDone={() => setIssued(null)} />}
      <ErrorNotice problem={credentials.problem} />
      {credentials.loading && !credentials.data ? <Loading /> : credentials.data && (
        credentials.data.items.length === 0 ? <p class="empty">{t("credentials.none")}</p> : (
          <table class="table">
            <thead><tr><th scope="col">{t("credentials.clientId")}</th><th scope="col">{t("customers.status")}</th><th scope="col">{t("credentials.issued")}</th><th scope="col">{t("credentials.revoked")}</th><th scope="col"><span class="visually-hidden">{t("ui.actions")}</span></th></tr></thead>
            <tbody>
              {credentials.data.items.map((credential) => (
                <tr key={credential.clientId}>
                  <td class="mono">{credential.clientId}</td>
                  <td><StatusBadge status={credential.status} /></td>
                  <td>{formatDateTime(credential.createdAt)}</td>
                  <td>{formatDateTime(credential.revokedAt)}</td>
                  <td class="row-actions">
                    {credential.status === "active" && (
                      <Button variant="quiet" label={t("credentials.revokeLabel", { clientId: credential.clientId })} onClick={() => setRevoking(credential)}>{t("grants.revoke")}</Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      {revoking && (
        <ConfirmDialog title={t("credentials.revokeTitle")} confirmLabel={t("credentials.revokeConfirm")} danger busy={revoke.busy} problem={revoke.problem}
          onConfirm={onRevoke} onCancel={() => { setRevoking(null); revoke.clear(); }}>
          <RevokeBody clientId={revoking.clientId} />
        </ConfirmDialog>
      )}
    </Panel>
  );
}
