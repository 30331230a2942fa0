import { t } from "../../i18n/translate";
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
    <ConfirmDialog title={dealerName ? t("withdraw.titleFor", { dealer: dealerName }) : t("withdraw.title")} confirmLabel={t("withdraw.confirm")} danger busy={action.busy}
      problem={action.problem} confirmDisabled={purposes.length === 0} onConfirm={confirm} onCancel={onCancel}>
      <p>{t("withdraw.body")}</p>
      <CheckboxGroup label={t("withdraw.purposes")} options={live.map((purpose) => ({ value: purpose, label: label(purpose) }))} selected={purposes} onChange={setPurposes} />
      <TextField label={t("withdraw.reason")} value={reason} onInput={setReason} optional maxLength={500} hint={t("withdraw.reasonHint")} />
    </ConfirmDialog>
  );
}
