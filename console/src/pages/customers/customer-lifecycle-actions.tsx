import { useState } from "preact/hooks";
import { changeCustomerState } from "../../api/crm";
import type { Customer } from "../../api/types";
import { t } from "../../i18n/translate";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { ErrorNotice } from "../../ui/error-notice";
import { SelectField } from "../../ui/fields";
import { useAction } from "../../ui/use-resource";

/** The grounds of GDPR Art. 18(1), as the gateway keeps them in the audit event. */
const RESTRICTION_GROUNDS = ["accuracy_contested", "unlawful_processing", "legal_claims", "objection_pending"] as const;

/** Restrict (with its ground), unrestrict and erase; erasure asks twice because nothing can bring the data back. */
export function CustomerLifecycleActions({ customer, onChanged }: { customer: Customer; onChanged: () => void }) {
  const action = useAction();
  const [erasing, setErasing] = useState(false);
  const [restricting, setRestricting] = useState(false);
  const [ground, setGround] = useState("");
  const [groundError, setGroundError] = useState<string | null>(null);
  const [understood, setUnderstood] = useState(false);
  if (customer.status === "erased") return null;
  const change = async (verb: "restrict" | "unrestrict" | "erase", body: { reason?: string } = {}) => {
    if (await action.run(() => changeCustomerState(customer.id, verb, body))) {
      setErasing(false);
      setRestricting(false);
      onChanged();
    }
  };
  const restrict = () => {
    if (!ground) return setGroundError(t("valid.chooseOne", { field: t("customer.restrictReason").toLowerCase() }));
    void change("restrict", { reason: ground });
  };
  return (
    <>
      {customer.status === "restricted"
        ? <Button busy={action.busy} onClick={() => change("unrestrict")}>{t("customer.unrestrict")}</Button>
        : <Button busy={action.busy} onClick={() => { setGround(""); setGroundError(null); action.clear(); setRestricting(true); }}>{t("customer.restrict")}</Button>}
      <Button variant="danger" onClick={() => { setUnderstood(false); action.clear(); setErasing(true); }}>{t("erase.button")}</Button>
      {!erasing && !restricting && <div class="page-actions-notice"><ErrorNotice problem={action.problem} /></div>}
      {restricting && (
        <ConfirmDialog title={t("customer.restrictTitle")} confirmLabel={t("customer.restrict")} busy={action.busy} problem={action.problem}
          onConfirm={restrict} onCancel={() => setRestricting(false)}>
          <p>{t("customer.restrictBody")}</p>
          <SelectField label={t("customer.restrictReason")} value={ground} onChange={(next) => { setGround(next); setGroundError(null); }} required
            name="restrict-reason" error={groundError} hint={t("customer.restrictReasonHint")}
            options={[{ value: "", label: t("valid.chooseOne", { field: t("customer.restrictReason").toLowerCase() }) },
              ...RESTRICTION_GROUNDS.map((item) => ({ value: item, label: t(`restrict.${item}`) }))]} />
        </ConfirmDialog>
      )}
      {erasing && (
        <ConfirmDialog title={t("erase.title")} confirmLabel={t("erase.confirm")} danger busy={action.busy} problem={action.problem}
          confirmDisabled={!understood} onConfirm={() => change("erase")} onCancel={() => setErasing(false)}>
          <p>{t("erase.body")}</p>
          <p><strong>{t("erase.irreversible")}</strong> {t("erase.irreversibleBody")}</p>
          <label class="checkbox">
            <input type="checkbox" checked={understood} onChange={(event) => setUnderstood((event.currentTarget as HTMLInputElement).checked)} />
            {t("erase.understood")}
          </label>
        </ConfirmDialog>
      )}
    </>
  );
}
