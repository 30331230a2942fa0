import { useState } from "preact/hooks";
import { allPendingPurges, dealerPendingPurges } from "../../api/audit";
import type { PageProps } from "../../routes";
import { Link } from "../../routing/link";
import { navigate } from "../../routing/router";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, TextField } from "../../ui/fields";
import { formatDateTime, humanAge, label } from "../../ui/format";
import { Loading, Page, Panel } from "../../ui/page";
import { useResource } from "../../ui/use-resource";

/** Withdrawals and erasures dealers have been told about but have not yet confirmed acting on. */
export function PendingPurgesPage({ query }: PageProps) {
  const dealerId = query.get("dealerId") ?? "";
  const overview = useResource(() => allPendingPurges(), []);
  const [typed, setTyped] = useState(dealerId);
  const submit = (event: Event) => {
    event.preventDefault();
    navigate(`/audit/purges?dealerId=${encodeURIComponent(typed.trim())}`);
  };
  return (
    <Page title="Pending purges" intro="Withdrawals and erasures a dealer has not acknowledged, oldest first. A dealer acknowledges once it has deleted the data.">
      <Panel title="Dealers with pending purges">
        <ErrorNotice problem={overview.problem} />
        {overview.loading && !overview.data ? <Loading /> : overview.data && (
          overview.data.items.length === 0 ? <p class="empty">Every dealer is up to date.</p> : (
            <table class="table">
              <thead><tr><th scope="col">Dealer</th><th scope="col" class="number">Pending</th><th scope="col">Oldest since</th><th scope="col">Waiting</th></tr></thead>
              <tbody>
                {overview.data.items.map((item) => (
                  <tr key={item.dealerId}>
                    <td><Link href={`/audit/purges?dealerId=${item.dealerId}`}>{item.name || item.dealerId}</Link></td>
                    <td class="number">{item.pending}</td>
                    <td>{formatDateTime(item.oldestSince)}</td>
                    <td>{humanAge(item.ageSeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        )}
      </Panel>
      <Panel title="One dealer">
        <form onSubmit={submit} aria-label="Pending purges of one dealer">
          <FormRow><TextField label="Dealer id" value={typed} onInput={setTyped} required mono name="purges-dealer" /></FormRow>
          <div class="actions"><Button type="submit" variant="primary">Show</Button></div>
        </form>
        {dealerId && <DealerPurges dealerId={dealerId} />}
      </Panel>
    </Page>
  );
}

function DealerPurges({ dealerId }: { dealerId: string }) {
  const purges = useResource(() => dealerPendingPurges(dealerId), [dealerId]);
  if (purges.problem) return <ErrorNotice problem={purges.problem} />;
  if (!purges.data) return <Loading />;
  const { data } = purges;
  return (
    <>
      <dl class="facts">
        <div><dt>Pending</dt><dd>{data.pending}</dd></div>
        <div><dt>Oldest since</dt><dd>{formatDateTime(data.oldestSince)}</dd></div>
        <div><dt>Last acknowledged</dt><dd>{data.acknowledgedAt ? `${formatDateTime(data.acknowledgedAt)} (event ${data.acknowledgedUpTo})` : "Never"}</dd></div>
      </dl>
      {data.items.length === 0 ? <p class="empty">Nothing pending for this dealer.</p> : (
        <table class="table">
          <thead><tr><th scope="col">Event</th><th scope="col">Type</th><th scope="col">Customer</th><th scope="col">Purpose</th><th scope="col">Since</th><th scope="col">Waiting</th></tr></thead>
          <tbody>
            {data.items.map((item) => (
              <tr key={item.id}>
                <td class="mono">{item.id}</td>
                <td>{label(item.type.replace(".", " "))}</td>
                <td class="mono">{item.customerId ? <Link href={`/audit/report?customerId=${item.customerId}`}>{item.customerId}</Link> : "—"}</td>
                <td>{item.purpose ? label(item.purpose) : "—"}</td>
                <td>{formatDateTime(item.since)}</td>
                <td>{humanAge(item.ageSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.nextCursor && <p class="muted small">Showing the oldest {data.items.length}.</p>}
    </>
  );
}
