import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";
import type { IssuedCredential } from "../../api/types";
import { t } from "../../i18n/translate";
import { Button } from "../../ui/button";
import { CopyButton } from "../../ui/copy-button";

/** One value shown once: read-only, selectable, with its copy button. */
function SecretRow({ id, label, value, what }: { id: string; label: string; value: string; what: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div class="secret-row">
      <label for={id}>{label}</label>
      <input id={id} ref={input} class="mono" readOnly value={value} />
      <CopyButton text={value} what={what} input={() => input.current} />
    </div>
  );
}

/** The one moment a secret exists outside the dealer's system: it is never fetched again. */
function ShownOnce({ region, title, body, onDone, children }: { region: string; title: string; body: string; onDone: () => void; children: ComponentChildren }) {
  return (
    <div class="secret" role="region" aria-label={region}>
      <p class="notice-title">{title}</p>
      <p>{body}</p>
      {children}
      <div class="actions"><Button onClick={onDone}>{t("secret.stored")}</Button></div>
    </div>
  );
}

export function IssuedSecret({ credential, onDone }: { credential: IssuedCredential; onDone: () => void }) {
  return (
    <ShownOnce region={t("secret.credentialRegion")} title={t("secret.credentialTitle")} body={t("secret.credentialBody")} onDone={onDone}>
      <SecretRow id="issued-client-id" label={t("credentials.clientId")} value={credential.clientId} what={t("copy.clientId")} />
      <SecretRow id="issued-client-secret" label={t("credentials.clientSecret")} value={credential.clientSecret} what={t("copy.clientSecret")} />
    </ShownOnce>
  );
}

/** A webhook's signing secret, shown once when it is set or rotated. */
export function WebhookSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <ShownOnce region={t("webhook.secretTitle")} title={t("webhook.secretTitle")} body={t("webhook.secretBody")} onDone={onDone}>
      <SecretRow id="webhook-secret" label={t("webhook.secret")} value={secret} what={t("copy.signingSecret")} />
    </ShownOnce>
  );
}
