import { updateCustomer } from "../../api/crm";
import type { Customer } from "../../api/types";
import { t } from "../../i18n/translate";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { CustomerFieldset, draftOfCustomer, recordOfDraft } from "./customer-fields";
import { useCustomerForm } from "./use-customer-form";

export const customerEditKey = (id: string) => `customer:${id}`;

/** The whole record at once: an emptied optional field is removed (sent as null). */
export function CustomerEditForm({ customer, onSaved, onCancel }: { customer: Customer; onSaved: () => void; onCancel: () => void }) {
  const form = useCustomerForm(customerEditKey(customer.id), draftOfCustomer(customer), (draft) => updateCustomer(customer.id, recordOfDraft(draft, null)), onSaved);
  return (
    <form class="inset" onSubmit={form.submit} aria-label={t("customer.editForm")} noValidate>
      <CustomerFieldset draft={form.draft} set={form.set} errors={form.shown} />
      <ErrorNotice problem={form.action.problem} shownOnFields={form.shownOnFields} />
      <div class="actions">
        <Button variant="quiet" onClick={() => { form.forget(); onCancel(); }}>{t("ui.cancel")}</Button>
        <Button type="submit" variant="primary" busy={form.action.busy}>{t("ui.save")}</Button>
      </div>
    </form>
  );
}
