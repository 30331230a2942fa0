import { useState } from "preact/hooks";
import { updateCustomer } from "../../api/crm";
import type { Customer } from "../../api/types";
import { t } from "../../i18n/translate";
import { useKeptDraft } from "../../session/kept-drafts";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { useAction } from "../../ui/use-resource";
import { hasErrors, serverFieldErrors, type FieldErrors } from "../../ui/validation";
import { checkCustomer, CUSTOMER_API_PATHS, CustomerFieldset, draftOfCustomer, recordOfDraft, type CustomerDraft, type CustomerField } from "./customer-fields";

export const customerEditKey = (id: string) => `customer:${id}`;

/** The whole record at once: an emptied optional field is removed (sent as null). */
export function CustomerEditForm({ customer, onSaved, onCancel }: { customer: Customer; onSaved: () => void; onCancel: () => void }) {
  const [draft, setDraft, forget] = useKeptDraft<CustomerDraft>(customerEditKey(customer.id), draftOfCustomer(customer));
  const [errors, setErrors] = useState<FieldErrors<CustomerField>>({});
  const action = useAction();
  const set = <K extends keyof CustomerDraft>(key: K) => (value: CustomerDraft[K]) => setDraft((previous) => ({ ...previous, [key]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = checkCustomer(draft);
    setErrors(found);
    if (hasErrors(found)) return;
    if (await action.run(() => updateCustomer(customer.id, recordOfDraft(draft, null)))) {
      forget();
      onSaved();
    }
  };
  const shown = { ...serverFieldErrors(action.problem, CUSTOMER_API_PATHS), ...Object.fromEntries(Object.entries(errors).filter(([, value]) => value)) };
  return (
    <form class="inset" onSubmit={submit} aria-label={t("customer.editForm")} noValidate>
      <CustomerFieldset draft={draft} set={set} errors={shown} />
      <ErrorNotice problem={action.problem} shownOnFields={Object.keys(CUSTOMER_API_PATHS)} />
      <div class="actions">
        <Button variant="quiet" onClick={() => { forget(); onCancel(); }}>{t("ui.cancel")}</Button>
        <Button type="submit" variant="primary" busy={action.busy}>{t("ui.save")}</Button>
      </div>
    </form>
  );
}
