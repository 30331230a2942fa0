import { useState } from "preact/hooks";
import { getDealer, setDealerStatus, updateDealer } from "../../api/crm";
import { t } from "../../i18n/translate";
import type { PageProps } from "../../routes";
import { Link } from "../../routing/link";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { ErrorNotice, SuccessNotice } from "../../ui/error-notice";
import { formatDateTime } from "../../ui/format";
import { Loading, Page, Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { useAction, useResource } from "../../ui/use-resource";
import { rememberName } from "../../ui/pickers";
import { CredentialsPanel } from "./credentials-panel";
import { DealerForm } from "./dealer-form";
import { GrantsPanel } from "./grants-panel";
import { WebhookPanel } from "./webhook-panel";


export function DealerPage({ params }: PageProps) {
  const dealer = useResource(() => getDealer(params.id!), [params.id]);
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  if (!dealer.data) return <Page title={t("dealer.title")}>{dealer.loading ? <Loading /> : <ErrorNotice problem={dealer.problem} />}</Page>;
  const current = dealer.data;
  rememberName(current.id, current.name);
  const suspended = current.status === "suspended";
  const changeStatus = async () => {
    if (await action.run(() => setDealerStatus(current.id, suspended ? "reinstate" : "suspend"))) {
      setConfirming(false);
      dealer.reload();
    }
  };
  return (
    <Page
      title={current.name}
      intro={<><Link href="/dealers">{t("nav.dealers")}</Link> · <span class="mono">{current.id}</span></>}
      actions={suspended
        ? <Button variant="primary" busy={action.busy} onClick={changeStatus}>{t("dealer.reinstate")}</Button>
        : <Button variant="danger" onClick={() => setConfirming(true)}>{t("dealer.suspend")}</Button>}
    >
      <dl class="facts">
        <div><dt>{t("customers.status")}</dt><dd><StatusBadge status={current.status} /></dd></div>
        <div><dt>{t("dealer.country")}</dt><dd>{current.country}</dd></div>
        <div><dt>{t("dealer.safeguard")}</dt><dd>{t(`dealer.safeguard.${current.transferSafeguard ?? "none"}`)}</dd></div>
        <div><dt>{t("dealers.added")}</dt><dd>{formatDateTime(current.createdAt)}</dd></div>
      </dl>
      <SuccessNotice message={saved} />
      {editing ? (
        <Panel title={t("dealer.editForm")}>
          <DealerForm label={t("dealer.editForm")} submitLabel={t("ui.save")} selfId={current.id}
            initial={{ name: current.name, country: current.country, transferSafeguard: current.transferSafeguard ?? "" }}
            save={(draft) => updateDealer(current.id, { name: draft.name, country: draft.country, transferSafeguard: draft.transferSafeguard || null })}
            onSaved={() => { setEditing(false); setSaved(t("dealer.saved")); dealer.reload(); }} onCancel={() => setEditing(false)} />
        </Panel>
      ) : <p><Button onClick={() => { setSaved(null); setEditing(true); }}>{t("dealer.edit")}</Button></p>}
      {!confirming && <ErrorNotice problem={action.problem} />}
      {confirming && (
        <ConfirmDialog title={t("dealer.suspendTitle", { name: current.name })} confirmLabel={t("dealer.suspend")} danger busy={action.busy} problem={action.problem}
          onConfirm={changeStatus} onCancel={() => { setConfirming(false); action.clear(); }}>
          <p>{t("dealer.suspendBody")}</p>
        </ConfirmDialog>
      )}
      <CredentialsPanel dealerId={current.id} />
      <GrantsPanel dealerId={current.id} />
      <WebhookPanel dealerId={current.id} />
    </Page>
  );
}
