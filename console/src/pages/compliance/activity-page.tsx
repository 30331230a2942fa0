import { useState } from "preact/hooks";
import { listDealers } from "../../api/crm";
import type { PageProps } from "../../routes";
import { Link } from "../../routing/link";
import { canManageCrm } from "../../session/use-session";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, TextField } from "../../ui/fields";
import { shortId } from "../../ui/format";
import { Loading, Page, Panel } from "../../ui/page";
import { useResource } from "../../ui/use-resource";
import { AccessChart } from "./access-chart";
import { daysBetween, fetchAccessEvents, seriesByDealer } from "./activity-data";

const DAY = 86_400_000;
const MAX_DAYS = 92;
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (count: number) => new Date(Date.now() - count * DAY).toISOString().slice(0, 10);

/** Accesses per day per dealer, allowed against denied, counted from the audit events API. */
export function ActivityPage({ roles }: PageProps) {
  const [range, setRange] = useState({ from: daysAgo(13), to: today() });
  const [draft, setDraft] = useState(range);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const days = daysBetween(range.from, range.to);
  const activity = useResource(async () => {
    const end = new Date(Date.parse(`${range.to}T00:00:00Z`) + DAY).toISOString();
    const { events, truncated } = await fetchAccessEvents(`${range.from}T00:00:00Z`, end);
    return { series: seriesByDealer(events, days), truncated };
  }, [range.from, range.to]);
  const names = useResource(() => (canManageCrm(roles) ? listDealers() : Promise.resolve(null)), []);
  const nameOf = (id: string) => names.data?.items.find((dealer) => dealer.id === id)?.name ?? `Dealer ${shortId(id)}`;
  const submit = (event: Event) => {
    event.preventDefault();
    const count = daysBetween(draft.from, draft.to).length;
    if (!draft.from || !draft.to || count === 0) return setRangeError("Choose a start day on or before the end day.");
    if (count > MAX_DAYS) return setRangeError(`Choose at most ${MAX_DAYS} days.`);
    setRangeError(null);
    setRange(draft);
  };
  return (
    <Page title="Dealer activity" intro="Reads, lookups and sync pages of customer data per dealer and day (UTC), allowed against denied.">
      <Panel title="Period">
        <form onSubmit={submit} aria-label="Activity period">
          <FormRow>
            <TextField label="From" type="date" value={draft.from} onInput={(from) => setDraft({ ...draft, from })} required name="activity-from" />
            <TextField label="To" type="date" value={draft.to} onInput={(to) => setDraft({ ...draft, to })} required name="activity-to" />
          </FormRow>
          {rangeError && <div class="notice notice-error" role="alert">{rangeError}</div>}
          <div class="actions"><Button type="submit" variant="primary" busy={activity.loading}>Show</Button></div>
        </form>
      </Panel>
      <div class="legend" aria-hidden="true"><span class="swatch swatch-allow" /> Allowed <span class="swatch swatch-deny" /> Denied</div>
      <ErrorNotice problem={activity.problem} />
      {activity.loading && !activity.data ? <Loading /> : activity.data && (
        activity.data.series.length === 0 ? <p class="empty">No dealer accessed customer data in this period.</p> : (
          <div class="charts">
            {activity.data.truncated && <p class="notice">Only the newest events were counted; choose a shorter period for exact totals.</p>}
            {activity.data.series.map((series) => (
              <article class="chart-card" key={series.dealerId}>
                <header>
                  <h2>{nameOf(series.dealerId)}</h2>
                  <p class="muted small">
                    {series.allow} allowed · {series.deny} denied · <Link href={`/audit?dealerId=${series.dealerId}`}>events</Link>
                  </p>
                </header>
                <AccessChart series={series} title={nameOf(series.dealerId)} />
              </article>
            ))}
          </div>
        )
      )}
    </Page>
  );
}
