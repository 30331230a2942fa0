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
    <Panel title="Purposes granted">
      <p class="muted">A dealer may ask for a customer's data only for a purpose it holds a live grant for, and receives only the grant's fields.</p>
      <ErrorNotice problem={grants.problem} />
      {grants.loading && !grants.data ? <Loading /> : grants.data && (
        grants.data.items.length === 0 ? <p class="empty">No purpose granted.</p> : (
          <table class="table">
            <thead><tr><th scope="col">Purpose</th><th scope="col">Fields released</th><th scope="col">Expires</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {grants.data.items.map((grant) => (
                <tr key={grant.id}>
                  <td>{label(grant.purpose)}</td>
                  <td>{grant.fields ? fieldList(grant.effectiveFields) : <>All of the purpose's fields <span class="muted">({fieldList(grant.effectiveFields)})</span></>}{grant.write && <> · <strong>may write at the point of sale</strong></>}</td>
                  <td>{grant.expiresAt ? formatDateTime(grant.expiresAt) : "Never"}</td>
                  <td><StatusBadge status={grant.status} /></td>
                  <td class="row-actions"><Button variant="quiet" label={`Revoke grant ${label(grant.purpose)}`} onClick={() => setRevoking(grant)}>Revoke</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      <h3>Grant a purpose</h3>
      <ErrorNotice problem={purposes.problem} />
      {purposes.data && <GrantForm dealerId={dealerId} purposes={purposes.data.items} onGranted={grants.reload} />}
      {revoking && (
        <ConfirmDialog title={`Revoke ${label(revoking.purpose)}?`} confirmLabel="Revoke grant" danger busy={revoke.busy} problem={revoke.problem}
          onConfirm={onRevoke} onCancel={() => { setRevoking(null); revoke.clear(); }}>
          <p>The dealer can no longer ask for customers' data for this purpose, from its very next request. It is told through its consent-events feed.</p>
        </ConfirmDialog>
      )}
    </Panel>
  );
}
