import { useState } from "preact/hooks";
import { createCustomer } from "../../api/crm";
import type { Customer } from "../../api/types";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, TextField } from "../../ui/fields";
import { useAction } from "../../ui/use-resource";

const EMPTY = { externalRef: "", salutation: "", given: "", family: "", email: "", phone: "", preferredLanguage: "", preferredBoutique: "" };

/** The core of a record; purchases, warranties and the rest arrive from the CRM through the import. */
function recordOf(form: typeof EMPTY): Record<string, unknown> {
  const optional = (value: string) => (value.trim() === "" ? undefined : value.trim());
  return {
    externalRef: form.externalRef.trim(),
    name: { given: form.given.trim(), family: form.family.trim(), ...(optional(form.salutation) ? { salutation: form.salutation.trim() } : {}) },
    email: optional(form.email),
    phone: optional(form.phone),
    preferredLanguage: optional(form.preferredLanguage),
    preferredBoutique: optional(form.preferredBoutique),
  };
}

export function CustomerCreateForm({ onCreated }: { onCreated: (customer: Customer) => void }) {
  const [form, setForm] = useState(EMPTY);
  const action = useAction();
  const set = (key: keyof typeof EMPTY) => (value: string) => setForm((previous) => ({ ...previous, [key]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    let created: Customer | undefined;
    if (await action.run(async () => { created = await createCustomer(recordOf(form)); }) && created) onCreated(created);
  };
  return (
    <form onSubmit={submit} aria-label="Add a customer">
      <FormRow>
        <TextField label="External reference" value={form.externalRef} onInput={set("externalRef")} required name="customer-external-ref" hint="The customer's id in the CRM" />
        <TextField label="Salutation" value={form.salutation} onInput={set("salutation")} optional name="customer-salutation" />
      </FormRow>
      <FormRow>
        <TextField label="Given name" value={form.given} onInput={set("given")} required name="customer-given" />
        <TextField label="Family name" value={form.family} onInput={set("family")} required name="customer-family" />
      </FormRow>
      <FormRow>
        <TextField label="Email" type="email" value={form.email} onInput={set("email")} optional name="customer-email" />
        <TextField label="Phone" type="tel" value={form.phone} onInput={set("phone")} optional name="customer-phone" hint="International form, e.g. +33 1 42 12 34 56" />
      </FormRow>
      <FormRow>
        <TextField label="Preferred language" value={form.preferredLanguage} onInput={set("preferredLanguage")} optional name="customer-language" hint="e.g. fr-FR" />
        <TextField label="Preferred boutique" value={form.preferredBoutique} onInput={set("preferredBoutique")} optional name="customer-boutique" />
      </FormRow>
      <ErrorNotice problem={action.problem} />
      <div class="actions"><Button type="submit" variant="primary" busy={action.busy}>Add customer</Button></div>
    </form>
  );
}
