import { t } from "../../i18n/translate";
import { useState } from "preact/hooks";
import { listGrants, listPurposes, revokeGrant } from "../../api/crm";
import type { Grant } from "../../api/types";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { ErrorNotice } from "../../ui/error-notice";
import { fieldList, formatDateTime, label } from "../../ui/format";
import { Loading, Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { useAction, useResource } from "../../ui/use-resource";
import { GrantForm } from "./grant-form";

export function GrantsPanel({ dealerId }: { dealerId: string }) {
  const grants = useResource(() => listGrants(dealerId), [dealerId]);
  const purposes = useResource(() => listPurposes(), []);
  const revoke = useAction();
  const [revoking, setRevoking] = useState<Grant | null>(null);
  const onRevoke = async () => {
    if (revoking && await revoke.run(() => revokeGrant(dealerId, revoking.purpose))) {
      setRevoking(null);
      grants.reload();
    }
  };
  return (
    <Panel title={t("grants.title")}>
      <p class="muted">{t("grants.intro")}</p>
      <ErrorNotice problem={grants.problem} />
      {grants.loading && !grants.data ? <Loading /> : grants.data && (
        grants.data.items.length === 0 ? <p class="empty">{t("grants.none")}</p> : (
          <table class="table">
            <thead><tr><th scope="col">{t("audit.purpose")}</th><th scope="col">{t("grants.fields")}</th><th scope="col">{t("consent.expires")}</th><th scope="col">{t("customers.status")}</th><th scope="col"><span class="visually-hidden">{t("ui.actions")}</span></th></tr></thead>
            <tbody>
              {grants.data.items.map((grant) => (
                <tr key={grant.id}>
                  <td>{label(grant.purpose)}</td>
                  <td>{grant.fields ? fieldList(grant.effectiveFields) : <>{t("grants.allFields")} <span class="muted">({fieldList(grant.effectiveFields)})</span></>}{grant.write && <> · <strong>{t("grants.mayWrite")}</strong></>}</td>
                  <td>{grant.expiresAt ? formatDateTime(grant.expiresAt) : t("ui.never")}</td>
                  <td><StatusBadge status={grant.status} /></td>
                  <td class="row-actions"><Button variant="quiet" label={t("grants.revokeLabel", { purpose: label(grant.purpose) })} onClick={() => setRevoking(grant)}>{t("grants.revoke")}</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      <h3>{t("grants.add")}</h3>
      <ErrorNotice problem={purposes.problem} />
      {purposes.data && <GrantForm dealerId={dealerId} purposes={purposes.data.items} onGranted={grants.reload} />}
      {revoking && (
        <ConfirmDialog title={t("grants.revokeTitle", { purpose: label(revoking.purpose) })} confirmLabel={t("grants.revokeConfirm")} danger busy={revoke.busy} problem={revoke.problem}
          onConfirm={onRevoke} onCancel={() => { setRevoking(null); revoke.clear(); }}>
          <p>{t("grants.revokeBody")}</p>
        </ConfirmDialog>
      )}
    </Panel>
  );
}
