import { getCustomer, listDealers } from "../../api/crm";
import type { PageProps } from "../../routes";
import { Link } from "../../routing/link";
import { ErrorNotice } from "../../ui/error-notice";
import { Loading, Page, Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { useResource } from "../../ui/use-resource";
import { ConsentsPanel } from "./consents-panel";
import { CustomerLifecycleActions } from "./customer-lifecycle-actions";
import { CustomerRecord } from "./customer-record";
import { MarketingPreferencesPanel } from "./marketing-preferences-panel";

export function CustomerPage({ params }: PageProps) {
  const customer = useResource(() => getCustomer(params.id!), [params.id]);
  const dealers = useResource(() => listDealers(), []);
  if (!customer.data) return <Page title="Customer">{customer.loading ? <Loading /> : <ErrorNotice problem={customer.problem} />}</Page>;
  const current = customer.data;
  const title = current.name ? [current.name.salutation, current.name.given, current.name.family].filter(Boolean).join(" ") : "Erased customer";
  return (
    <Page
      title={title}
      intro={<><Link href="/customers">Customers</Link> · <span class="mono">{current.id}</span></>}
      actions={<CustomerLifecycleActions customer={current} onChanged={customer.reload} />}
    >
      <dl class="facts">
        <div><dt>Status</dt><dd><StatusBadge status={current.status} /></dd></div>
        <div><dt>External reference</dt><dd class="mono">{current.externalRef ?? "—"}</dd></div>
        <div><dt>Access</dt><dd><Link href={`/access-check?customerId=${current.id}`}>Why can't a dealer see this client?</Link></dd></div>
      </dl>
      {current.status !== "erased" && <Panel title="Record"><CustomerRecord customer={current} /></Panel>}
      {current.status !== "erased" && (
        <MarketingPreferencesPanel customerId={current.id} dealerName={(id) => dealers.data?.items.find((dealer) => dealer.id === id)?.name} />
      )}
      <ConsentsPanel customerId={current.id} erased={current.status === "erased"} dealers={dealers.data?.items ?? []} />
    </Page>
  );
}
