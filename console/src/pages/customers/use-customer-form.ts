import { useState } from "preact/hooks";
import { useKeptDraft } from "../../session/kept-drafts";
import { useAction } from "../../ui/use-resource";
import { hasErrors, serverFieldErrors, type FieldErrors } from "../../ui/validation";
import { checkCustomer, CUSTOMER_API_PATHS, type CustomerDraft, type CustomerField } from "./customer-fields";

/**
 * What the create and edit forms share: the draft kept across reloads under `draftKey`, the checks
 * before sending, the save, and the errors to show on the fields (the form's own, then the server's).
 * After a successful save the draft is forgotten and `saved` runs.
 */
export function useCustomerForm(draftKey: string, initial: CustomerDraft, save: (draft: CustomerDraft) => Promise<unknown>, saved: () => void) {
  const [draft, setDraft, forget] = useKeptDraft<CustomerDraft>(draftKey, initial);
  const [errors, setErrors] = useState<FieldErrors<CustomerField>>({});
  const action = useAction();
  const set = <K extends keyof CustomerDraft>(key: K) => (value: CustomerDraft[K]) => setDraft((previous) => ({ ...previous, [key]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = checkCustomer(draft);
    setErrors(found);
    if (hasErrors(found)) return;
    if (await action.run(() => save(draft))) {
      forget();
      saved();
    }
  };
  const shown = { ...serverFieldErrors(action.problem, CUSTOMER_API_PATHS), ...Object.fromEntries(Object.entries(errors).filter(([, value]) => value)) };
  return { draft, set, submit, shown, action, forget, shownOnFields: Object.keys(CUSTOMER_API_PATHS) };
}
