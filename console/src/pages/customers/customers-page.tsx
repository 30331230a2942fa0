import { useState } from "preact/hooks";
import { findCustomers } from "../../api/crm";
import type { Customer } from "../../api/types";
import type { PageProps } from "../../routes";
import { Link } from "../../routing/link";
import { navigate } from "../../routing/router";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, SelectField, TextField } from "../../ui/fields";
import { Page, Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { useAction } from "../../ui/use-resource";
import { CustomerCreateForm } from "./customer-create-form";

const SEARCH_BY = [{ value: "externalRef", label: "External reference" }, { value: "email", label: "Email" }];

/** Search terms stay in the page, not the address: an email in a URL would end up in history and access logs. */
export function CustomersPage(_props: PageProps) {
  const [by, setBy] = useState<"externalRef" | "email">("externalRef");
  const [value, setValue] = useState("");
  const [found, setFound] = useState<Customer[] | null>(null);
  const search = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    await search.run(async () => setFound((await findCustomers(by, value.trim())).items));
  };
  return (
    <Page title="Customers" intro="Find a customer by the CRM's reference or by email, or add one.">
      <Panel title="Find a customer">
        <form onSubmit={submit} role="search" aria-label="Find a customer">
          <FormRow>
            <SelectField label="Find by" value={by} onChange={(next) => setBy(next as typeof by)} options={SEARCH_BY} name="search-by" />
            <TextField label={by === "email" ? "Email" : "External reference"} type={by === "email" ? "email" : "text"} value={value} onInput={setValue}
              required name="search-value" />
          </FormRow>
          <ErrorNotice problem={search.problem} />
          <div class="actions"><Button type="submit" variant="primary" busy={search.busy}>Search</Button></div>
        </form>
        {found && (found.length === 0 ? <p class="empty" role="status">No customer matches.</p> : (
          <table class="table">
            <thead><tr><th scope="col">Name</th><th scope="col">External reference</th><th scope="col">Email</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {found.map((customer) => (
                <tr key={customer.id}>
                  <td><Link href={`/customers/${customer.id}`}>{customer.name ? `${customer.name.given} ${customer.name.family}` : "Erased customer"}</Link></td>
                  <td class="mono">{customer.externalRef ?? "—"}</td>
                  <td>{customer.email ?? "—"}</td>
                  <td><StatusBadge status={customer.status} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </Panel>
      <Panel title="Add a customer">
        <CustomerCreateForm onCreated={(customer) => navigate(`/customers/${customer.id}`)} />
      </Panel>
    </Page>
  );
}
