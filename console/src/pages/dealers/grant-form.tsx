import { t } from "../../i18n/translate";
import { useState } from "preact/hooks";
import { putGrant } from "../../api/crm";
import type { Purpose } from "../../api/types";
import { Button } from "../../ui/button";
import { ErrorNotice, SuccessNotice } from "../../ui/error-notice";
import { CheckboxGroup, FormRow, SelectField, TextField } from "../../ui/fields";
import { fieldLabel, label, localInputToIso } from "../../ui/format";
import { useAction } from "../../ui/use-resource";
import { WritePermissionField } from "./write-permission-field";

interface GrantFormProps {
  dealerId: string;
  purposes: Purpose[];
  onGranted: () => void;
}

/** The field picker offers only the chosen purpose's fields; ticking them all keeps the purpose's defaults. */
export function GrantForm({ dealerId, purposes, onGranted }: GrantFormProps) {
  const [purposeId, setPurposeId] = useState(purposes[0]?.id ?? "");
  const purpose = purposes.find((item) => item.id === purposeId);
  const [fields, setFields] = useState<string[]>(purpose?.fields ?? []);
  const [expiresAt, setExpiresAt] = useState("");
  const [write, setWrite] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const choosePurpose = (id: string) => {
    setPurposeId(id);
    setFields(purposes.find((item) => item.id === id)?.fields ?? []);
    setWrite(false);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setDone(null);
    const allFields = purpose !== undefined && fields.length === purpose.fields.length;
    const body = { ...(allFields ? {} : { fields }), ...(expiresAt ? { expiresAt: localInputToIso(expiresAt) ?? expiresAt } : {}), ...(write ? { write } : {}) };
    if (await action.run(() => putGrant(dealerId, purposeId, body))) {
      setDone(t("grants.granted", { purpose: label(purposeId) }));
      setExpiresAt("");
      onGranted();
    }
  };
  return (
    <form onSubmit={submit} aria-label={t("grants.add")}>
      <FormRow>
        <SelectField label={t("audit.purpose")} value={purposeId} onChange={choosePurpose} required name="grant-purpose"
          options={purposes.map((item) => ({ value: item.id, label: label(item.id) }))} hint={purpose?.description} />
        <TextField label={t("consent.expires")} type="datetime-local" value={expiresAt} onInput={setExpiresAt} optional name="grant-expires"
          hint={t("grants.expiresHint")} />
      </FormRow>
      {purpose && (
        <CheckboxGroup label={t("grants.fields")} options={purpose.fields.map((field) => ({ value: field, label: fieldLabel(field) }))}
          selected={fields} onChange={setFields} hint={t("grants.fieldsHint")} />
      )}
      <WritePermissionField purposeId={purposeId} write={write} onChange={setWrite} />
      <ErrorNotice problem={action.problem} />
      <SuccessNotice message={done} />
      <div class="actions"><Button type="submit" variant="primary" busy={action.busy}>{t("grants.submit")}</Button></div>
    </form>
  );
}
