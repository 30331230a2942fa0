import { useState } from "preact/hooks";
import { createDealer } from "../../api/crm";
import type { Dealer } from "../../api/types";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, SelectField, TextField } from "../../ui/fields";
import { useAction } from "../../ui/use-resource";

export const SAFEGUARD_OPTIONS = [
  { value: "", label: "None (EEA or Switzerland)" },
  { value: "adequacy", label: "Adequacy decision" },
  { value: "scc", label: "Standard contractual clauses" },
];

export function DealerCreateForm({ onCreated }: { onCreated: (dealer: Dealer) => void }) {
  const [name, setName] = useState("");
  const [country, setCountry] = useState("");
  const [safeguard, setSafeguard] = useState("");
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    let created: Dealer | undefined;
    const ok = await action.run(async () => {
      created = await createDealer({ name: name.trim(), country: country.trim().toUpperCase(), ...(safeguard ? { transferSafeguard: safeguard } : {}) });
    });
    if (ok && created) {
      setName("");
      setCountry("");
      setSafeguard("");
      onCreated(created);
    }
  };
  return (
    <form onSubmit={submit} aria-label="Add a dealer">
      <FormRow>
        <TextField label="Name" value={name} onInput={setName} required maxLength={200} name="dealer-name" />
        <TextField label="Country" value={country} onInput={setCountry} required maxLength={2} placeholder="FR" name="dealer-country"
          hint="ISO 3166-1 alpha-2 code" />
        <SelectField label="Transfer safeguard" value={safeguard} onChange={setSafeguard} options={SAFEGUARD_OPTIONS} name="dealer-safeguard"
          hint="Needed for dealers outside the EEA and Switzerland" />
      </FormRow>
      <ErrorNotice problem={action.problem} />
      <div class="actions"><Button type="submit" variant="primary" busy={action.busy}>Add dealer</Button></div>
    </form>
  );
}
