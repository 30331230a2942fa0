import { useState } from "preact/hooks";
import { getCustomer, listDealers } from "../../api/crm";
import { t } from "../../i18n/translate";
import type { PageProps } from "../../routes";
import { Link } from "../../routing/link";
import { hasKeptDraft } from "../../session/kept-drafts";
import { Button } from "../../ui/button";
import { ErrorNotice, SuccessNotice } from "../../ui/error-notice";
import { Loading, Page, Panel } from "../../ui/page";
import { rememberName } from "../../ui/pickers";
import { StatusBadge } from "../../ui/status-badge";
import { useResource } from "../../ui/use-resource";
import { ConsentsPanel } from "./consents-panel";
import { CustomerEditForm, customerEditKey } from "./customer-edit-form";
import { CustomerLifecycleActions } from "./customer-lifecycle-actions";
import { CustomerRecord } from "./customer-record";
import { MarketingPreferencesPanel } from "./marketing-preferences-panel";

export function CustomerPage({ params }: PageProps) {
  const customer = useResource(() => getCustomer(params.id!), [params.id]);
  const dealers = useResource(() => listDealers(), []);
  const [editing, setEditing] = useState(() => hasKeptDraft(customerEditKey(params.id!)));
  const [saved, setSaved] = useState<string | null>(null);
  if (!customer.data) return <Page title={t("picker.customer")}>{customer.loading ? <Loading /> : <ErrorNotice problem={customer.problem} />}</Page>;
  const current = customer.data;
  const erased = current.status === "erased";
  const title = current.name ? [current.name.salutation, current.name.given, current.name.family].filter(Boolean).join(" ") : t("ui.erasedCustomer");
  // The access check opened from here shows this customer by name, as a picker would.
  if (current.name && current.externalRef) rememberName(current.id, `${current.name.given} ${current.name.family} (${current.externalRef})`);
  return (
    <Page
      title={title}
      intro={<><Link href="/customers">{t("customers.title")}</Link> · <span class="mono">{current.id}</span></>}
      actions={<CustomerLifecycleActions customer={current} onChanged={customer.reload} />}
    >
      <dl class="facts">
        <div><dt>{t("customers.status")}</dt><dd><StatusBadge status={current.status} /></dd></div>
        <div><dt>{t("customer.externalRef")}</dt><dd class="mono">{current.externalRef ?? "—"}</dd></div>
        <div><dt>{t("nav.accessCheck")}</dt><dd><Link href={`/access-check?customerId=${current.id}`}>{t("customers.access")}</Link></dd></div>
      </dl>
      <SuccessNotice message={saved} />
      {!erased && (
        <Panel title={t("customers.record")} actions={!editing && <Button onClick={() => { setSaved(null); setEditing(true); }}>{t("customer.edit")}</Button>}>
          {editing
            ? <CustomerEditForm customer={current} onCancel={() => setEditing(false)}
                onSaved={() => { setEditing(false); setSaved(t("customer.saved")); customer.reload(); }} />
            : <CustomerRecord customer={current} />}
        </Panel>
      )}
      {!erased && (
        <MarketingPreferencesPanel customerId={current.id} dealerName={(id) => dealers.data?.items.find((dealer) => dealer.id === id)?.name} />
      )}
      <ConsentsPanel customerId={current.id} erased={erased} dealers={dealers.data?.items ?? []} />
    </Page>
  );
}
