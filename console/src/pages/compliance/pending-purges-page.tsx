import { useState } from "preact/hooks";
import { allPendingPurges, dealerPendingPurges } from "../../api/audit";
import { t } from "../../i18n/translate";
import type { PageProps } from "../../routes";
import { Link } from "../../routing/link";
import { navigate } from "../../routing/router";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow } from "../../ui/fields";
import type { Choice } from "../../ui/picker";
import { choiceOfId, DealerPicker, rememberName } from "../../ui/pickers";
import { formatDateTime, humanAge, label } from "../../ui/format";
import { Loading, Page, Panel } from "../../ui/page";
import { useResource } from "../../ui/use-resource";

/** Withdrawals and erasures dealers have been told about but have not yet confirmed acting on. */
export function PendingPurgesPage({ query }: PageProps) {
  const dealerId = query.get("dealerId") ?? "";
  const overview = useResource(() => allPendingPurges(), []);
  const [dealer, setDealer] = useState<Choice | null>(choiceOfId(dealerId));
  const [missing, setMissing] = useState(false);
  const submit = (event: Event) => {
    event.preventDefault();
    if (!dealer) return setMissing(true);
    navigate(`/audit/purges?dealerId=${encodeURIComponent(dealer.id)}`);
  };
  return (
    <Page title={t("nav.purges")} intro={t("purges.intro")}>
      <Panel title={t("purges.dealers")}>
        <ErrorNotice problem={overview.problem} />
        {overview.loading && !overview.data ? <Loading /> : overview.data && (
          overview.data.items.length === 0 ? <p class="empty">{t("purges.upToDate")}</p> : (
            <table class="table">
              <thead><tr><th scope="col">{t("audit.col.dealer")}</th><th scope="col" class="number">{t("purges.pending")}</th><th scope="col">{t("purges.oldest")}</th><th scope="col">{t("purges.waiting")}</th></tr></thead>
              <tbody>
                {overview.data.items.map((item) => {
                  rememberName(item.dealerId, item.name);
                  return (
                    <tr key={item.dealerId}>
                      <td><Link href={`/audit/purges?dealerId=${item.dealerId}`}>{item.name || item.dealerId}</Link></td>
                      <td class="number">{item.pending}</td>
                      <td>{formatDateTime(item.oldestSince)}</td>
                      <td>{humanAge(item.ageSeconds)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        )}
      </Panel>
      <Panel title={t("purges.one")}>
        <form onSubmit={submit} aria-label={t("purges.oneForm")} noValidate>
          <FormRow><DealerPicker value={dealer} onChange={(next) => { setDealer(next); setMissing(false); }} required name="purges-dealer" error={missing ? t("picker.pickOne") : null} /></FormRow>
          <div class="actions"><Button type="submit" variant="primary">{t("activity.show")}</Button></div>
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
        <div><dt>{t("purges.pending")}</dt><dd>{data.pending}</dd></div>
        <div><dt>{t("purges.oldest")}</dt><dd>{formatDateTime(data.oldestSince)}</dd></div>
        <div><dt>{t("purges.lastAcknowledged")}</dt><dd>{data.acknowledgedAt ? t("purges.acknowledgedUpTo", { at: formatDateTime(data.acknowledgedAt), event: String(data.acknowledgedUpTo) }) : t("purges.never")}</dd></div>
      </dl>
      {data.items.length === 0 ? <p class="empty">{t("purges.noneForDealer")}</p> : (
        <table class="table">
          <thead><tr><th scope="col">{t("purges.col.event")}</th><th scope="col">{t("purges.col.type")}</th><th scope="col">{t("audit.col.customer")}</th><th scope="col">{t("audit.col.purpose")}</th><th scope="col">{t("purges.since")}</th><th scope="col">{t("purges.waiting")}</th></tr></thead>
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
      {data.nextCursor && <p class="muted small">{t("purges.showingOldest", { count: data.items.length })}</p>}
    </>
  );
}
