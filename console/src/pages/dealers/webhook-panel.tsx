import { useRef, useState } from "preact/hooks";
import { deleteWebhook, getWebhook, listDeliveries, putWebhook, replayDelivery, type WebhookDelivery, type WebhookState } from "../../api/webhooks";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { CopyButton } from "../../ui/copy-button";
import { ErrorNotice } from "../../ui/error-notice";
import { TextField } from "../../ui/fields";
import { formatDateTime } from "../../ui/format";
import { Loading, Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { useAction, useResource } from "../../ui/use-resource";

const STATUS_TONE: Record<string, string> = { failing: "suspended", disabled: "erased", delivered: "active", abandoned: "erased", pending: "expired" };
const badge = (status: string) => <StatusBadge status={STATUS_TONE[status] ?? status} label={status} />;

/** The answer a delivery got: the receiver's status and the start of its body, or why there was none. */
function answerOf(delivery: WebhookDelivery): string {
  const status = delivery.lastStatus !== undefined ? `HTTP ${delivery.lastStatus}` : "";
  return [status || delivery.lastError, delivery.lastResponse].filter(Boolean).join(" · ") || "—";
}

function NewSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div class="secret" role="region" aria-label="New signing secret">
      <p class="notice-title">New signing secret</p>
      <p>Give it to the dealer now: it is shown only this once, and every delivery from now on, retries included, is signed with it alone.</p>
      <div class="secret-row">
        <label for="webhook-secret">Signing secret</label>
        <input id="webhook-secret" ref={input} class="mono" readOnly value={secret} />
        <CopyButton text={secret} what="signing secret" input={() => input.current} />
      </div>
      <div class="actions"><Button onClick={onDone}>I have stored the secret</Button></div>
    </div>
  );
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
      {items.length === 0 ? <p class="empty">No delivery yet.</p> : (
        <table class="table" aria-label="Recent deliveries">
          <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last attempt</th><th scope="col">Answer</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {items.map((delivery) => (
              <tr key={delivery.id}>
                <td><span class="mono">{delivery.eventId}</span> {delivery.type}</td>
                <td>{badge(delivery.status)}</td>
                <td>{delivery.attempts}</td>
                <td>{formatDateTime(delivery.lastAttemptAt ?? null)}</td>
                <td class="mono">{answerOf(delivery)}</td>
                <td class="row-actions">
                  {delivery.status !== "pending" && (
                    <Button variant="quiet" label={`Replay delivery of event ${delivery.eventId}`} busy={replay.busy} onClick={() => onReplay(delivery)}>Replay</Button>
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
      <div><dt>URL</dt><dd class="mono">{webhook.url}</dd></div>
      <div><dt>Status</dt><dd>{badge(webhook.status)}</dd></div>
      <div><dt>Pending</dt><dd>{webhook.pending}</dd></div>
      <div><dt>Last delivery</dt><dd>{formatDateTime(webhook.lastDeliveryAt ?? null)}</dd></div>
      {webhook.lastFailure && <div><dt>Last failure</dt><dd>{formatDateTime(webhook.lastFailure.at)} · {webhook.lastFailure.error}</dd></div>}
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
    <Panel title="Webhook" actions={current && <Button variant="danger" onClick={() => setRemoving(true)}>Remove webhook</Button>}>
      <p class="muted">Each event of the dealer's consent-events feed is also pushed to this URL as a signed Standard Webhooks message, retried for 24 hours. The feed stays the record.</p>
      <ErrorNotice problem={webhook.problem} />
      {secret && <NewSecret secret={secret} onDone={() => setSecret(null)} />}
      {webhook.loading && !webhook.data ? <Loading /> : current && <Summary webhook={current} />}
      <form onSubmit={submit} aria-label="Set the webhook">
        <TextField label={current ? "New URL" : "URL"} value={url} onInput={setUrl} required={!current} optional={Boolean(current)} mono name="webhook-url"
          placeholder="https://dealer.example.com/webhooks" hint={current ? "Leave empty to keep the URL and only rotate the secret." : "https: only, on a public address."} />
        <ErrorNotice problem={save.problem} />
        <div class="actions"><Button type="submit" variant="primary" busy={save.busy}>{current ? (url ? "Change URL and rotate secret" : "Rotate secret") : "Set webhook"}</Button></div>
      </form>
      {current && <Deliveries dealerId={dealerId} reloadKey={round} onReplayed={webhook.reload} />}
      {removing && (
        <ConfirmDialog title="Remove this webhook?" confirmLabel="Remove webhook" danger busy={remove.busy} problem={remove.problem}
          onConfirm={onRemove} onCancel={() => { setRemoving(false); remove.clear(); }}>
          <p>Pending deliveries are dropped. The dealer still finds every event in its consent-events feed.</p>
        </ConfirmDialog>
      )}
    </Panel>
  );
}
