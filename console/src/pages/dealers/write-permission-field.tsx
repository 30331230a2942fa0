import { t } from "../../i18n/translate";
import { CheckboxGroup } from "../../ui/fields";

/** The one purpose under which a dealer may also write (contract 4.1). */
export const WRITABLE_PURPOSE = "record_accuracy";

/** "May register at the point of sale": offered on record_accuracy grants only. */
export function WritePermissionField({ purposeId, write, onChange }: { purposeId: string; write: boolean; onChange: (write: boolean) => void }) {
  if (purposeId !== WRITABLE_PURPOSE) return null;
  return (
    <CheckboxGroup label={t("grants.pointOfSale")} options={[{ value: "write", label: t("grants.writeOption") }]}
      selected={write ? ["write"] : []} onChange={(selected) => onChange(selected.includes("write"))}
      hint={t("grants.writeHint")} />
  );
}
