import { useRef } from "preact/hooks";
import type { IssuedCredential } from "../../api/types";
import { Button } from "../../ui/button";
import { CopyButton } from "../../ui/copy-button";

/** The one moment the secret exists outside the dealer's system: it is never fetched again. */
export function IssuedSecret({ credential, onDone }: { credential: IssuedCredential; onDone: () => void }) {
  const clientIdInput = useRef<HTMLInputElement>(null);
  const secretInput = useRef<HTMLInputElement>(null);
  return (
    <div class="secret" role="region" aria-label="New credential">
      <p class="notice-title">New credential issued</p>
      <p>Give the client secret to the dealer now. It is shown only this once and cannot be displayed again.</p>
      <div class="secret-row">
        <label for="issued-client-id">Client id</label>
        <input id="issued-client-id" ref={clientIdInput} class="mono" readOnly value={credential.clientId} />
        <CopyButton text={credential.clientId} what="client id" input={() => clientIdInput.current} />
      </div>
      <div class="secret-row">
        <label for="issued-client-secret">Client secret</label>
        <input id="issued-client-secret" ref={secretInput} class="mono" readOnly value={credential.clientSecret} />
        <CopyButton text={credential.clientSecret} what="client secret" input={() => secretInput.current} />
      </div>
      <div class="actions"><Button onClick={onDone}>I have stored the secret</Button></div>
    </div>
  );
}
