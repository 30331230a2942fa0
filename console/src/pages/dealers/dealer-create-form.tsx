import { createDealer } from "../../api/crm";
import type { Dealer } from "../../api/types";
import { t } from "../../i18n/translate";
import { DealerForm } from "./dealer-form";

export function DealerCreateForm({ onCreated }: { onCreated: (dealer: Dealer) => void }) {
  return (
    <DealerForm label={t("dealers.add")} submitLabel={t("dealers.addButton")} initial={{ name: "", country: "", transferSafeguard: "" }} onSaved={onCreated}
      save={(draft) => createDealer({ name: draft.name, country: draft.country, ...(draft.transferSafeguard ? { transferSafeguard: draft.transferSafeguard } : {}) })} />
  );
}
