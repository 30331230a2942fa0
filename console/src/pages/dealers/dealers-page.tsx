import { useState } from "preact/hooks";
import { listDealers } from "../../api/crm";
import { t } from "../../i18n/translate";
import type { PageProps } from "../../routes";
import { Link } from "../../routing/link";
import { navigate } from "../../routing/router";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, SelectField, TextField } from "../../ui/fields";
import { formatDate } from "../../ui/format";
import { Loading, Page, Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { useResource } from "../../ui/use-resource";
import { DealerCreateForm } from "./dealer-create-form";

const statusOptions = () => [{ value: "", label: t("dealers.anyStatus") }, { value: "active", label: t("badge.active") }, { value: "suspended", label: t("badge.suspended") }];

export function DealersPage(_props: PageProps) {
  const [adding, setAdding] = useState(false);
  const [status, setStatus] = useState("");
  const [country, setCountry] = useState("");
  const countryFilter = /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : undefined;
  const dealers = useResource(() => listDealers({ status: status || undefined, country: countryFilter }), [status, countryFilter]);
  return (
    <Page title={t("nav.dealers")} intro={t("dealers.intro")}
      actions={!adding && <Button variant="primary" onClick={() => setAdding(true)}>{t("dealers.add")}</Button>}>
      {adding && (
        <Panel title={t("dealers.add")} actions={<Button variant="quiet" onClick={() => setAdding(false)}>{t("ui.cancel")}</Button>}>
          <DealerCreateForm onCreated={(dealer) => navigate(`/dealers/${dealer.id}`)} />
        </Panel>
      )}
      <Panel title={t("dealers.all")}>
        <div class="filters">
          <FormRow>
            <SelectField label={t("customers.status")} value={status} onChange={setStatus} options={statusOptions()} />
            <TextField label={t("dealer.country")} value={country} onInput={setCountry} maxLength={2} />
          </FormRow>
        </div>
        <ErrorNotice problem={dealers.problem} />
        {dealers.loading && !dealers.data ? <Loading /> : dealers.data && (
          dealers.data.items.length === 0 ? <p class="empty">{t("dealers.noMatch")}</p> : (
            <table class="table">
              <thead><tr><th scope="col">{t("dealer.name")}</th><th scope="col">{t("dealer.country")}</th><th scope="col">{t("dealer.safeguard")}</th><th scope="col">{t("customers.status")}</th><th scope="col">{t("dealers.added")}</th></tr></thead>
              <tbody>
                {dealers.data.items.map((dealer) => (
                  <tr key={dealer.id}>
                    <td><Link href={`/dealers/${dealer.id}`}>{dealer.name}</Link></td>
                    <td>{dealer.country}</td>
                    <td>{dealer.transferSafeguard ? t(`dealer.safeguard.${dealer.transferSafeguard}`) : "—"}</td>
                    <td><StatusBadge status={dealer.status} /></td>
                    <td>{formatDate(dealer.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        )}
        {dealers.data?.nextCursor && <p class="muted small">Showing the first {dealers.data.items.length}; narrow the filters to see others.</p>}
      </Panel>
    </Page>
  );
}
