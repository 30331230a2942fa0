import { createDealer } from "../../api/crm";
import type { Dealer } from "../../api/types";
import { DealerForm } from "./dealer-form";

export function DealerCreateForm({ onCreated }: { onCreated: (dealer: Dealer) => void }) {
  return (
    <DealerForm label="Add a dealer" submitLabel="Add dealer" initial={{ name: "", country: "", transferSafeguard: "" }} onSaved={onCreated}
      save={(draft) => createDealer({ name: draft.name, country: draft.country, ...(draft.transferSafeguard ? { transferSafeguard: draft.transferSafeguard } : {}) })} />
  );
}
