import { getMarketingPreferences } from "../../api/crm";
import { t, tMaybe } from "../../i18n/translate";
import { ErrorNotice } from "../../ui/error-notice";
import { formatDateTime, shortId } from "../../ui/format";
import { Loading, Panel } from "../../ui/page";
import { useResource } from "../../ui/use-resource";

const CHANNELS = ["email", "phone", "post", "sms"] as const;

const onOff = (on: boolean) => t(on ? "marketing.on" : "marketing.off");

/** Policy P8: the customer's marketing preferences and every change, with who recorded it and on what evidence. */
export function MarketingPreferencesPanel({ customerId, dealerName }: { customerId: string; dealerName: (id: string) => string | undefined }) {
  const preferences = useResource(() => getMarketingPreferences(customerId), [customerId]);
  const data = preferences.data;
  return (
    <Panel title={t("customer.marketing")}>
      <ErrorNotice problem={preferences.problem} />
      {preferences.loading && !data ? <Loading /> : data && (
        <>
          <dl class="facts">
            {CHANNELS.map((channel) => (
              <div key={channel}><dt>{t(`marketing.${channel}`)}</dt><dd>{data.current === null ? t("marketing.notRecorded") : onOff(data.current[channel])}</dd></div>
            ))}
          </dl>
          {data.history.length === 0 ? <p class="empty">{t("marketing.noChange")}</p> : (
            <table class="table" aria-label={t("marketing.history")}>
              <thead><tr><th scope="col">{t("marketing.when")}</th><th scope="col">{t("consent.channel")}</th><th scope="col">{t("marketing.setTo")}</th><th scope="col">{t("marketing.recordedBy")}</th><th scope="col">{t("consent.evidenceShort")}</th></tr></thead>
              <tbody>
                {[...data.history].reverse().map((entry, index) => (
                  <tr key={index}>
                    <td>{formatDateTime(entry.recordedAt)}</td>
                    <td>{t(`marketing.${entry.channel}`)}</td>
                    <td>{onOff(entry.optedIn)}</td>
                    <td>{entry.dealerId ? dealerName(entry.dealerId) ?? t("marketing.dealer", { id: shortId(entry.dealerId) })
                      : `${tMaybe(`audit.actorType.${entry.actorType}`) ?? entry.actorType} ${shortId(entry.actorId)}`}</td>
                    <td>{entry.evidenceRef ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Panel>
  );
}
