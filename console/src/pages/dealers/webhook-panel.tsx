import { useState } from "preact/hooks";
import { deleteWebhook, getWebhook, listDeliveries, putWebhook, replayDelivery, type WebhookDelivery, type WebhookState } from "../../api/webhooks";
import { t, tMaybe } from "../../i18n/translate";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { ErrorNotice } from "../../ui/error-notice";
import { TextField } from "../../ui/fields";
import { formatDateTime, formatNumber } from "../../ui/format";
import { Loading, Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { useAction, useResource } from "../../ui/use-resource";
import { WebhookSecret } from "./issued-secret";

const STATUS_TONE: Record<string, string> = { failing: "suspended", disabled: "erased", delivered: "active", abandoned: "erased", pending: "expired" };
const badge = (status: string) => <StatusBadge status={STATUS_TONE[status] ?? status} label={tMaybe(`webhook.status.${status}`) ?? status} />;

/** How long the gateway keeps retrying a delivery (src/webhooks). */
const RETRY_HOURS = 24;

/** The answer a delivery got: the receiver's status and the start of its body, or why there was none. */
function answerOf(delivery: WebhookDelivery): string {
  const status = delivery.lastStatus !== undefined ? `HTTP ${delivery.lastStatus}` : "";
  return [status || delivery.lastError, delivery.lastResponse].filter(Boolean).join(" · ") || "—";
}

function Deliveries({ dealerId, reloadKey, onReplayed }: { dealerId: string; reloadKey: number; onReplayed: () => void }) {
  const deliveries = useResource(() => listDeliveries(dealerId), [dealerId, reloadKey]);
  const replay = useAction();
  const onReplay = async (delivery: WebhookDelivery) => {
    if (await replay.run(() => replayDelivery(dealerId, delivery.id))) {
      deliveries.reload();
      onReplayed();
    }
  };
  if (deliveries.loading && !deliveries.data) return <Loading />;
  const items = deliveries.data?.items ?? [];
  return (
    <>
      <ErrorNotice problem={deliveries.problem ?? replay.problem} />
      {items.length === 0 ? <p class="empty">{t("webhook.noDelivery")}</p> : (
        <table class="table" aria-label={t("webhook.deliveries")}>
          <thead><tr><th scope="col">{t("webhook.event")}</th><th scope="col">{t("customers.status")}</th><th scope="col">{t("webhook.attempts")}</th><th scope="col">{t("webhook.lastAttempt")}</th><th scope="col">{t("webhook.answer")}</th><th scope="col"><span class="visually-hidden">{t("ui.actions")}</span></th></tr></thead>
          <tbody>
            {items.map((delivery) => (
              <tr key={delivery.id}>
                <td><span class="mono">{delivery.eventId}</span> {delivery.type}</td>
                <td>{badge(delivery.status)}</td>
                <td>{formatNumber(delivery.attempts)}</td>
                <td>{formatDateTime(delivery.lastAttemptAt ?? null)}</td>
                <td class="mono">{answerOf(delivery)}</td>
                <td class="row-actions">
                  {delivery.status !== "pending" && (
                    <Button variant="quiet" label={t("webhook.replayLabel", { eventId: delivery.eventId })} busy={replay.busy} onClick={() => onReplay(delivery)}>{t("webhook.replay")}</Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Summary({ webhook }: { webhook: WebhookState }) {
  return (
    <dl class="facts">
      <div><dt>{t("webhook.url")}</dt><dd class="mono">{webhook.url}</dd></div>
      <div><dt>{t("customers.status")}</dt><dd>{badge(webhook.status)}</dd></div>
      <div><dt>{t("webhook.pending")}</dt><dd>{formatNumber(webhook.pending)}</dd></div>
      <div><dt>{t("webhook.lastDelivery")}</dt><dd>{formatDateTime(webhook.lastDeliveryAt ?? null)}</dd></div>
      {webhook.lastFailure && <div><dt>{t("webhook.lastFailure")}</dt><dd>{formatDateTime(webhook.lastFailure.at)} · {webhook.lastFailure.error}</dd></div>}
    </dl>
  );
}

/** The dealer's webhook: where its consent-events feed is pushed, the secret's rotation, and recent deliveries with replay. */
export function WebhookPanel({ dealerId }: { dealerId: string }) {
  const webhook = useResource(() => getWebhook(dealerId), [dealerId]);
  const save = useAction();
  const remove = useAction();
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const [round, setRound] = useState(0);
  const current = webhook.data;
  const submit = async (event: Event) => {
    event.preventDefault();
    let answer: { secret: string } | undefined;
    if (await save.run(async () => { answer = await putWebhook(dealerId, url || current?.url || ""); })) {
      setSecret(answer?.secret ?? null);
      setUrl("");
      webhook.reload();
      setRound((value) => value + 1);
    }
  };
  const onRemove = async () => {
    if (await remove.run(() => deleteWebhook(dealerId))) {
      setRemoving(false);
      webhook.reload();
    }
  };
  return (
    <Panel title={t("webhook.title")} actions={current && <Button variant="danger" onClick={() => setRemoving(true)}>{t("webhook.remove")}</Button>}>
      <p class="muted">{t("webhook.intro", { hours: RETRY_HOURS })}</p>
      <ErrorNotice problem={webhook.problem} />
      {secret && <WebhookSecret secret={secret} onDone={() => setSecret(null)} />}
      {webhook.loading && !webhook.data ? <Loading /> : current && <Summary webhook={current} />}
      <form onSubmit={submit} aria-label={t("webhook.form")}>
        <TextField label={current ? t("webhook.newUrl") : t("webhook.url")} value={url} onInput={setUrl} required={!current} optional={Boolean(current)} mono name="webhook-url"
          placeholder="https://dealer.example.com/webhooks" hint={current ? t("webhook.keepUrlHint") : t("webhook.urlHint")} />
        <ErrorNotice problem={save.problem} />
        <div class="actions"><Button type="submit" variant="primary" busy={save.busy}>{current ? (url ? t("webhook.changeAndRotate") : t("webhook.rotate")) : t("webhook.set")}</Button></div>
      </form>
      {current && <Deliveries dealerId={dealerId} reloadKey={round} onReplayed={webhook.reload} />}
      {removing && (
        <ConfirmDialog title={t("webhook.removeTitle")} confirmLabel={t("webhook.remove")} danger busy={remove.busy} problem={remove.problem}
          onConfirm={onRemove} onCancel={() => { setRemoving(false); remove.clear(); }}>
          <p>{t("webhook.removeBody")}</p>
        </ConfirmDialog>
      )}
    </Panel>
  );
}
