import { useRef } from "preact/hooks";
import type { IssuedCredential } from "../../api/types";
import { t } from "../../i18n/translate";
import { Button } from "../../ui/button";
import { CopyButton } from "../../ui/copy-button";

/** The one moment the secret exists outside the dealer's system: it is never fetched again. */
export function IssuedSecret({ credential, onDone }: { credential: IssuedCredential; onDone: () => void }) {
  const clientIdInput = useRef<HTMLInputElement>(null);
  const secretInput = useRef<HTMLInputElement>(null);
  return (
    <div class="secret" role="region" aria-label={t("secret.credentialRegion")}>
      <p class="notice-title">{t("secret.credentialTitle")}</p>
      <p>{t("secret.credentialBody")}</p>
      <div class="secret-row">
        <label for="issued-client-id">{t("credentials.clientId")}</label>
        <input id="issued-client-id" ref={clientIdInput} class="mono" readOnly value={credential.clientId} />
        <CopyButton text={credential.clientId} what={t("copy.clientId")} input={() => clientIdInput.current} />
      </div>
      <div class="secret-row">
        <label for="issued-client-secret">{t("credentials.clientSecret")}</label>
        <input id="issued-client-secret" ref={secretInput} class="mono" readOnly value={credential.clientSecret} />
        <CopyButton text={credential.clientSecret} what={t("copy.clientSecret")} input={() => secretInput.current} />
      </div>
      <div class="actions"><Button onClick={onDone}>{t("secret.stored")}</Button></div>
    </div>
  );
}
