import { useState } from "preact/hooks";
import { changeCustomerState } from "../../api/crm";
import type { Customer } from "../../api/types";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { ErrorNotice } from "../../ui/error-notice";
import { useAction } from "../../ui/use-resource";

/** Restrict, unrestrict and erase; erasure asks twice because nothing can bring the data back. */
export function CustomerLifecycleActions({ customer, onChanged }: { customer: Customer; onChanged: () => void }) {
  const action = useAction();
  const [erasing, setErasing] = useState(false);
  const [understood, setUnderstood] = useState(false);
  if (customer.status === "erased") return null;
  const change = async (verb: "restrict" | "unrestrict" | "erase") => {
    if (await action.run(() => changeCustomerState(customer.id, verb))) {
      setErasing(false);
      onChanged();
    }
  };
  return (
    <>
      {customer.status === "restricted"
        ? <Button busy={action.busy} onClick={() => change("unrestrict")}>Lift restriction</Button>
        : <Button busy={action.busy} onClick={() => change("restrict")}>Restrict processing</Button>}
      <Button variant="danger" onClick={() => { setUnderstood(false); action.clear(); setErasing(true); }}>Erase customer</Button>
      {!erasing && <div class="page-actions-notice"><ErrorNotice problem={action.problem} /></div>}
      {erasing && (
        <ConfirmDialog title="Erase this customer?" confirmLabel="Erase permanently" danger busy={action.busy} problem={action.problem}
          confirmDisabled={!understood} onConfirm={() => change("erase")} onCancel={() => setErasing(false)}>
          <p>Erasure removes all of this customer's personal data from the gateway. Only an anonymous tombstone remains so the audit log stays complete, and every dealer that holds the data is told to delete it.</p>
          <p><strong>This is irreversible.</strong> The record cannot be restored; a new import would create a new customer.</p>
          <label class="checkbox">
            <input type="checkbox" checked={understood} onChange={(event) => setUnderstood((event.currentTarget as HTMLInputElement).checked)} />
            I understand that erasure cannot be undone
          </label>
        </ConfirmDialog>
      )}
    </>
  );
}
