import { useState } from "preact/hooks";
import { createCustomer } from "../../api/crm";
import type { Customer } from "../../api/types";
import { t } from "../../i18n/translate";
import { useKeptDraft } from "../../session/kept-drafts";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { useAction } from "../../ui/use-resource";
import { hasErrors, serverFieldErrors, type FieldErrors } from "../../ui/validation";
import { checkCustomer, CUSTOMER_API_PATHS, CustomerFieldset, EMPTY_CUSTOMER, recordOfDraft, type CustomerDraft, type CustomerField } from "./customer-fields";

export function CustomerCreateForm({ onCreated }: { onCreated: (customer: Customer) => void }) {
  const [draft, setDraft, forget] = useKeptDraft<CustomerDraft>("customer:new", EMPTY_CUSTOMER);
  const [errors, setErrors] = useState<FieldErrors<CustomerField>>({});
  const action = useAction();
  const set = <K extends keyof CustomerDraft>(key: K) => (value: CustomerDraft[K]) => setDraft((previous) => ({ ...previous, [key]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = checkCustomer(draft);
    setErrors(found);
    if (hasErrors(found)) return;
    let created: Customer | undefined;
    if (await action.run(async () => { created = await createCustomer(recordOfDraft(draft, undefined)); }) && created) {
      forget();
      onCreated(created);
    }
  };
  const shown = { ...serverFieldErrors(action.problem, CUSTOMER_API_PATHS), ...Object.fromEntries(Object.entries(errors).filter(([, value]) => value)) };
  return (
    <form onSubmit={submit} aria-label={t("customers.add")} noValidate>
      <CustomerFieldset draft={draft} set={set} errors={shown} />
      <ErrorNotice problem={action.problem} shownOnFields={Object.keys(CUSTOMER_API_PATHS)} />
      <div class="actions"><Button type="submit" variant="primary" busy={action.busy}>{t("customers.addButton")}</Button></div>
    </form>
  );
}
