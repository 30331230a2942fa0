import { useState } from "preact/hooks";
import { withdrawConsent } from "../../api/crm";
import type { Consent } from "../../api/types";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { CheckboxGroup, TextField } from "../../ui/fields";
import { label } from "../../ui/format";
import { useAction } from "../../ui/use-resource";

interface WithdrawDialogProps {
  consent: Consent;
  dealerName?: string;
  onDone: () => void;
  onCancel: () => void;
}

export function WithdrawDialog({ consent, dealerName, onDone, onCancel }: WithdrawDialogProps) {
  const live = consent.purposeStates.filter((state) => state.status === "active").map((state) => state.purpose);
  const [purposes, setPurposes] = useState(live);
  const [reason, setReason] = useState("");
  const action = useAction();
  const confirm = async () => {
    const body = { ...(purposes.length === live.length ? {} : { purposes }), ...(reason.trim() ? { reason: reason.trim() } : {}) };
    if (await action.run(() => withdrawConsent(consent.id, body))) onDone();
  };
  return (
    <ConfirmDialog title={`Withdraw consent${dealerName ? ` for ${dealerName}` : ""}?`} confirmLabel="Withdraw consent" danger busy={action.busy}
      problem={action.problem} confirmDisabled={purposes.length === 0} onConfirm={confirm} onCancel={onCancel}>
      <p>The dealer loses access for the chosen purposes from its very next request and is told to delete what it holds.</p>
      <CheckboxGroup label="Purposes to withdraw" options={live.map((purpose) => ({ value: purpose, label: label(purpose) }))} selected={purposes} onChange={setPurposes} />
      <TextField label="Reason" value={reason} onInput={setReason} optional maxLength={500} hint="Kept in the consent's history" />
    </ConfirmDialog>
  );
}
