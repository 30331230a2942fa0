import { useState } from "preact/hooks";
import { listDealers } from "../../api/crm";
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

const STATUS_OPTIONS = [{ value: "", label: "Any status" }, { value: "active", label: "Active" }, { value: "suspended", label: "Suspended" }];

export function DealersPage(_props: PageProps) {
  const [adding, setAdding] = useState(false);
  const [status, setStatus] = useState("");
  const [country, setCountry] = useState("");
  const countryFilter = /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : undefined;
  const dealers = useResource(() => listDealers({ status: status || undefined, country: countryFilter }), [status, countryFilter]);
  return (
    <Page title="Dealers" intro="Authorised dealers, their credentials and the purposes they may ask for."
      actions={!adding && <Button variant="primary" onClick={() => setAdding(true)}>Add a dealer</Button>}>
      {adding && (
        <Panel title="Add a dealer" actions={<Button variant="quiet" onClick={() => setAdding(false)}>Cancel</Button>}>
          <DealerCreateForm onCreated={(dealer) => navigate(`/dealers/${dealer.id}`)} />
        </Panel>
      )}
      <Panel title="All dealers">
        <div class="filters">
          <FormRow>
            <SelectField label="Status" value={status} onChange={setStatus} options={STATUS_OPTIONS} />
            <TextField label="Country" value={country} onInput={setCountry} maxLength={2} placeholder="Any" />
          </FormRow>
        </div>
        <ErrorNotice problem={dealers.problem} />
        {dealers.loading && !dealers.data ? <Loading /> : dealers.data && (
          dealers.data.items.length === 0 ? <p class="empty">No dealers match.</p> : (
            <table class="table">
              <thead><tr><th scope="col">Name</th><th scope="col">Country</th><th scope="col">Transfer safeguard</th><th scope="col">Status</th><th scope="col">Added</th></tr></thead>
              <tbody>
                {dealers.data.items.map((dealer) => (
                  <tr key={dealer.id}>
                    <td><Link href={`/dealers/${dealer.id}`}>{dealer.name}</Link></td>
                    <td>{dealer.country}</td>
                    <td>{dealer.transferSafeguard ?? "—"}</td>
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
