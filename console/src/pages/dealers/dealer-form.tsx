import { useState } from "preact/hooks";
import { listDealers } from "../../api/crm";
import type { Dealer } from "../../api/types";
import { EEA_AND_SWITZERLAND } from "../../../../src/dealers/countries";
import { t } from "../../i18n/translate";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, SelectField, TextField } from "../../ui/fields";
import { useAction, useResource } from "../../ui/use-resource";
import { countryError, hasErrors, requiredText, serverFieldErrors, type FieldErrors } from "../../ui/validation";

export interface DealerDraft {
  name: string;
  country: string;
  transferSafeguard: string;
}

type Field = keyof DealerDraft;
const API_PATHS: Record<string, Field> = { name: "name", country: "country", transferSafeguard: "transferSafeguard" };

interface DealerFormProps {
  label: string;
  submitLabel: string;
  initial: DealerDraft;
  /** The dealer being edited, which its own name never duplicates. */
  selfId?: string;
  save: (draft: DealerDraft) => Promise<Dealer>;
  onSaved: (dealer: Dealer) => void;
  onCancel?: () => void;
}

/**
 * A dealer's name, country and transfer safeguard. It warns, without refusing, of a dealer outside the
 * EEA and Switzerland with no safeguard (every read would be denied) and of a name another dealer has.
 */
export function DealerForm({ label, submitLabel, initial, selfId, save, onSaved, onCancel }: DealerFormProps) {
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const others = useResource(() => listDealers(), []);
  const action = useAction();
  const set = (key: Field) => (value: string) => setDraft((previous) => ({ ...previous, [key]: value }));
  const country = draft.country.trim().toUpperCase();
  const outside = /^[A-Z]{2}$/.test(country) && !EEA_AND_SWITZERLAND.has(country) && !draft.transferSafeguard;
  const duplicate = (others.data?.items ?? []).find((dealer) => dealer.id !== selfId && dealer.name.trim().toLowerCase() === draft.name.trim().toLowerCase());
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = { name: requiredText(draft.name, t("dealer.name")), country: requiredText(draft.country, t("dealer.country")) ?? countryError(draft.country) };
    setErrors(found);
    if (hasErrors(found)) return;
    let saved: Dealer | undefined;
    if (await action.run(async () => { saved = await save({ ...draft, name: draft.name.trim(), country }); }) && saved) onSaved(saved);
  };
  const shown = { ...serverFieldErrors(action.problem, API_PATHS), ...Object.fromEntries(Object.entries(errors).filter(([, value]) => value)) };
  return (
    <form onSubmit={submit} aria-label={label} noValidate>
      <FormRow>
        <TextField label={t("dealer.name")} value={draft.name} onInput={set("name")} required maxLength={200} name="dealer-name" error={shown.name} />
        <TextField label={t("dealer.country")} value={draft.country} onInput={set("country")} required maxLength={2} placeholder="FR" name="dealer-country"
          hint={t("dealer.countryHint")} error={shown.country} />
        <SelectField label={t("dealer.safeguard")} value={draft.transferSafeguard} onChange={set("transferSafeguard")} name="dealer-safeguard"
          hint={t("dealer.safeguardHint")} error={shown.transferSafeguard}
          options={["", "adequacy", "scc"].map((value) => ({ value, label: t(`dealer.safeguard.${value || "none"}` as "dealer.safeguard.none") }))} />
      </FormRow>
      {outside && <div class="notice notice-warn" role="status">{t("dealer.warnNoSafeguard", { country })}</div>}
      {duplicate && <div class="notice notice-warn" role="status">{t("dealer.warnDuplicate", { name: duplicate.name })}</div>}
      <ErrorNotice problem={action.problem} shownOnFields={Object.keys(API_PATHS)} />
      <div class="actions">
        {onCancel && <Button variant="quiet" onClick={onCancel}>{t("ui.cancel")}</Button>}
        <Button type="submit" variant="primary" busy={action.busy}>{submitLabel}</Button>
      </div>
    </form>
  );
}
