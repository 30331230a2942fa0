import { getMarketingPreferences } from "../../api/crm";
import { ErrorNotice } from "../../ui/error-notice";
import { formatDateTime, label, shortId } from "../../ui/format";
import { Loading, Panel } from "../../ui/page";
import { useResource } from "../../ui/use-resource";

const CHANNELS = ["email", "phone", "post", "sms"] as const;

/** Policy P8: the customer's marketing preferences and every change, with who recorded it and on what evidence. */
export function MarketingPreferencesPanel({ customerId, dealerName }: { customerId: string; dealerName: (id: string) => string | undefined }) {
  const preferences = useResource(() => getMarketingPreferences(customerId), [customerId]);
  const data = preferences.data;
  return (
    <Panel title="Marketing preferences">
      <ErrorNotice problem={preferences.problem} />
      {preferences.loading && !data ? <Loading /> : data && (
        <>
          <dl class="facts">
            {CHANNELS.map((channel) => (
              <div key={channel}><dt>{label(channel)}</dt><dd>{data.current === null ? "Not recorded" : data.current[channel] ? "On" : "Off"}</dd></div>
            ))}
          </dl>
          {data.history.length === 0 ? <p class="empty">No change recorded.</p> : (
            <table class="table" aria-label="Marketing preference history">
              <thead><tr><th scope="col">When</th><th scope="col">Channel</th><th scope="col">Set to</th><th scope="col">Recorded by</th><th scope="col">Evidence</th></tr></thead>
              <tbody>
                {[...data.history].reverse().map((entry, index) => (
                  <tr key={index}>
                    <td>{formatDateTime(entry.recordedAt)}</td>
                    <td>{label(entry.channel)}</td>
                    <td>{entry.optedIn ? "On" : "Off"}</td>
                    <td>{entry.dealerId ? dealerName(entry.dealerId) ?? `Dealer ${shortId(entry.dealerId)}` : `${entry.actorType} ${shortId(entry.actorId)}`}</td>
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
