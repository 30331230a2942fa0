import { useState } from "preact/hooks";
import { recordConsent } from "../../api/crm";
import type { Dealer, Purpose } from "../../api/types";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { CheckboxGroup, FormRow, SelectField, TextField } from "../../ui/fields";
import { label, localInputToIso } from "../../ui/format";
import { useAction } from "../../ui/use-resource";

const CHANNELS = ["boutique", "web", "phone", "dealer_store", "email"];

interface ConsentFormProps {
  customerId: string;
  dealers: Dealer[];
  purposes: Purpose[];
  onRecorded: () => void;
  onCancel: () => void;
}

export function ConsentForm({ customerId, dealers, purposes, onRecorded, onCancel }: ConsentFormProps) {
  const [dealerId, setDealerId] = useState(dealers[0]?.id ?? "");
  const [chosen, setChosen] = useState<string[]>([]);
  const [channel, setChannel] = useState("boutique");
  const [evidenceRef, setEvidenceRef] = useState("");
  const [policyVersion, setPolicyVersion] = useState("");
  const [expiresAt, setExpiresAt] = useState("");
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const body = {
      dealerId, purposes: chosen, channel, evidenceRef: evidenceRef.trim(), policyVersion: policyVersion.trim(),
      ...(expiresAt ? { expiresAt: localInputToIso(expiresAt) ?? expiresAt } : {}),
    };
    if (await action.run(() => recordConsent(customerId, body))) onRecorded();
  };
  return (
    <form class="inset" onSubmit={submit} aria-label="Record consent">
      <FormRow>
        <SelectField label="Dealer" value={dealerId} onChange={setDealerId} required name="consent-dealer"
          options={[{ value: "", label: "Choose a dealer" }, ...dealers.map((dealer) => ({ value: dealer.id, label: `${dealer.name} (${dealer.country})` }))]} />
        <SelectField label="Channel" value={channel} onChange={setChannel} required name="consent-channel"
          options={CHANNELS.map((item) => ({ value: item, label: label(item) }))} hint="Where the customer gave consent" />
      </FormRow>
      <CheckboxGroup label="Purposes" options={purposes.map((purpose) => ({ value: purpose.id, label: label(purpose.id) }))} selected={chosen} onChange={setChosen} />
      <FormRow>
        <TextField label="Evidence reference" value={evidenceRef} onInput={setEvidenceRef} required name="consent-evidence" hint="e.g. the signed form's number" />
        <TextField label="Policy version" value={policyVersion} onInput={setPolicyVersion} required name="consent-policy" hint="The privacy policy the customer accepted" />
        <TextField label="Expires" type="datetime-local" value={expiresAt} onInput={setExpiresAt} optional name="consent-expires" hint="Your local time" />
      </FormRow>
      <ErrorNotice problem={action.problem} />
      <div class="actions">
        <Button variant="quiet" onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={action.busy}>Record consent</Button>
      </div>
    </form>
  );
}
