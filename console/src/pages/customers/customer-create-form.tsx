import { createCustomer } from "../../api/crm";
import type { Customer } from "../../api/types";
import { t } from "../../i18n/translate";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { CustomerFieldset, EMPTY_CUSTOMER, recordOfDraft } from "./customer-fields";
import { useCustomerForm } from "./use-customer-form";

export function CustomerCreateForm({ onCreated }: { onCreated: (customer: Customer) => void }) {
  let created: Customer | undefined;
  const form = useCustomerForm("customer:new", EMPTY_CUSTOMER, async (draft) => {
    created = await createCustomer(recordOfDraft(draft, undefined));
  }, () => created && onCreated(created));
  return (
    <form onSubmit={form.submit} aria-label={t("customers.add")} noValidate>
      <CustomerFieldset draft={form.draft} set={form.set} errors={form.shown} />
      <ErrorNotice problem={form.action.problem} shownOnFields={form.shownOnFields} />
      <div class="actions"><Button type="submit" variant="primary" busy={form.action.busy}>{t("customers.addButton")}</Button></div>
    </form>
  );
}
