import { useState } from "preact/hooks";
import { lookUpCustomers, type CustomerChoice } from "../../api/lookup";
import { t } from "../../i18n/translate";
import type { PageProps } from "../../routes";
import { Link } from "../../routing/link";
import { navigate } from "../../routing/router";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, TextField } from "../../ui/fields";
import { Page, Panel } from "../../ui/page";
import { useAction } from "../../ui/use-resource";
import { requiredText } from "../../ui/validation";
import { CustomerCreateForm } from "./customer-create-form";

/** Search terms stay in the page, not the address: an email in a URL would end up in history and access logs. */
export function CustomersPage(_props: PageProps) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [found, setFound] = useState<CustomerChoice[] | null>(null);
  const search = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    setFound(null);
    const missing = requiredText(value, t("picker.customer"));
    setError(missing);
    if (missing) return;
    await search.run(async () => setFound((await lookUpCustomers({ q: value.trim() })).items));
  };
  return (
    <Page title={t("customers.title")} intro={t("customers.intro")}>
      <Panel title={t("customers.find")}>
        <form onSubmit={submit} role="search" aria-label={t("customers.find")} noValidate>
          <FormRow>
            <TextField label={t("picker.customer")} type="search" value={value} onInput={setValue} required name="search-value" hint={t("picker.customerHint")} error={error} />
          </FormRow>
          <ErrorNotice problem={search.problem} />
          <div class="actions"><Button type="submit" variant="primary" busy={search.busy}>{t("ui.search")}</Button></div>
        </form>
        {found && (found.length === 0 ? <p class="empty" role="status">{t("customers.noMatch")}</p> : (
          <table class="table">
            <thead><tr><th scope="col">{t("field.name")}</th><th scope="col">{t("customer.externalRef")}</th></tr></thead>
            <tbody>
              {found.map((customer) => (
                <tr key={customer.id}>
                  <td><Link href={`/customers/${customer.id}`}>{customer.name}</Link></td>
                  <td class="mono">{customer.externalRef}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </Panel>
      <Panel title={t("customers.add")}>
        <CustomerCreateForm onCreated={(customer) => navigate(`/customers/${customer.id}`)} />
      </Panel>
    </Page>
  );
}
