import { useState } from "preact/hooks";
import { t } from "../../i18n/translate";
import type { PageProps } from "../../routes";
import { Link } from "../../routing/link";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, TextField } from "../../ui/fields";
import { shortId, timeZoneName } from "../../ui/format";
import { Loading, Page, Panel } from "../../ui/page";
import { rememberName } from "../../ui/pickers";
import { useResource } from "../../ui/use-resource";
import { AccessChart } from "./access-chart";
import { daysBetween, endOfLocalDay, fetchAccessEvents, localDay, seriesByDealer, startOfLocalDay } from "./activity-data";

const MAX_DAYS = 92;
const daysAgo = (count: number) => {
  const time = new Date();
  time.setDate(time.getDate() - count);
  return localDay(time);
};

/** Accesses per day per dealer, allowed against denied, counted from the audit events API in the browser's time zone. */
export function ActivityPage(_props: PageProps) {
  const [range, setRange] = useState({ from: daysAgo(13), to: daysAgo(0) });
  const [draft, setDraft] = useState(range);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const days = daysBetween(range.from, range.to);
  const activity = useResource(async () => {
    const { events, truncated } = await fetchAccessEvents(startOfLocalDay(range.from).toISOString(), endOfLocalDay(range.to).toISOString());
    return { series: seriesByDealer(events, days), truncated };
  }, [range.from, range.to]);
  const nameOf = (id: string, name?: string) => name ?? t("activity.unknownDealer", { id: shortId(id) });
  const submit = (event: Event) => {
    event.preventDefault();
    const count = daysBetween(draft.from, draft.to).length;
    if (!draft.from || !draft.to || count === 0) return setRangeError(t("activity.rangeOrder"));
    if (count > MAX_DAYS) return setRangeError(t("activity.rangeMax", { max: MAX_DAYS }));
    setRangeError(null);
    setRange(draft);
  };
  return (
    <Page title={t("activity.title")} intro={t("activity.intro", { zone: timeZoneName() })}>
      <Panel title={t("activity.period")}>
        <form onSubmit={submit} aria-label={t("activity.periodForm")} noValidate>
          <FormRow>
            <TextField label={t("audit.from")} type="date" value={draft.from} onInput={(from) => setDraft({ ...draft, from })} required name="activity-from"
              error={rangeError} />
            <TextField label={t("audit.to")} type="date" value={draft.to} onInput={(to) => setDraft({ ...draft, to })} required name="activity-to" />
          </FormRow>
          <div class="actions"><Button type="submit" variant="primary" busy={activity.loading}>{t("activity.show")}</Button></div>
        </form>
      </Panel>
      <div class="legend" aria-hidden="true"><span class="swatch swatch-allow" /> {t("activity.allowed")} <span class="swatch swatch-deny" /> {t("activity.denied")}</div>
      <ErrorNotice problem={activity.problem} />
      {activity.loading && !activity.data ? <Loading /> : activity.data && !activity.problem && (
        activity.data.series.length === 0 ? <p class="empty">{t("activity.none")}</p> : (
          <div class="charts">
            {activity.data.truncated && <p class="notice">{t("activity.truncated")}</p>}
            {activity.data.series.map((series) => {
              rememberName(series.dealerId, series.dealerName);
              const title = nameOf(series.dealerId, series.dealerName);
              return (
                <article class="chart-card" key={series.dealerId}>
                  <header>
                    <h2>{title}</h2>
                    <p class="muted small">
                      {t("activity.totals", { allow: series.allow, deny: series.deny })} · <Link href={`/audit?dealerId=${series.dealerId}`}>{t("activity.events")}</Link>
                    </p>
                  </header>
                  <AccessChart series={series} title={title} />
                </article>
              );
            })}
          </div>
        )
      )}
    </Page>
  );
}
