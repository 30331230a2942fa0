import { useState } from "preact/hooks";
import type { AuditFilters } from "../../api/audit";
import type { Purpose } from "../../api/types";
import { Button } from "../../ui/button";
import { FormRow, SelectField, TextField } from "../../ui/fields";
import { label, localInputToIso } from "../../ui/format";

/** Actions worth suggesting; the field accepts any action name. */
const KNOWN_ACTIONS = [
  "customer.read", "customer.lookup", "customer.list", "consent_events.read", "token.issue", "auth.login", "dealer.create", "dealer.suspend",
  "dealer.reinstate", "credential.create", "credential.revoke", "grant.put", "grant.revoke", "customer.create", "customer.restrict",
  "customer.erase", "consent.record", "consent.withdraw", "access.check", "audit.query", "audit.export", "audit.report",
];

export type FilterDraft = Record<"customerId" | "dealerId" | "actorId" | "purpose" | "action" | "decision" | "from" | "to", string>;

export const EMPTY_DRAFT: FilterDraft = { customerId: "", dealerId: "", actorId: "", purpose: "", action: "", decision: "", from: "", to: "" };

export function filtersOf(draft: FilterDraft): AuditFilters {
  return {
    customerId: draft.customerId.trim() || undefined, dealerId: draft.dealerId.trim() || undefined, actorId: draft.actorId.trim() || undefined,
    purpose: draft.purpose || undefined, action: draft.action.trim() || undefined, decision: (draft.decision || undefined) as AuditFilters["decision"],
    from: localInputToIso(draft.from) ?? (draft.from || undefined), to: localInputToIso(draft.to) ?? (draft.to || undefined),
  };
}

interface FilterFormProps {
  initial: FilterDraft;
  purposes: Purpose[];
  busy: boolean;
  onSearch: (draft: FilterDraft) => void;
}

export function AuditFilterForm({ initial, purposes, busy, onSearch }: FilterFormProps) {
  const [draft, setDraft] = useState(initial);
  const set = (key: keyof FilterDraft) => (value: string) => setDraft((previous) => ({ ...previous, [key]: value }));
  const submit = (event: Event) => {
    event.preventDefault();
    onSearch(draft);
  };
  return (
    <form onSubmit={submit} role="search" aria-label="Audit search">
      <FormRow>
        <TextField label="Customer id" value={draft.customerId} onInput={set("customerId")} mono name="audit-customer" />
        <TextField label="Dealer id" value={draft.dealerId} onInput={set("dealerId")} mono name="audit-dealer" />
        <TextField label="Actor id" value={draft.actorId} onInput={set("actorId")} mono name="audit-actor" hint="A dealer's client id or an admin user's id" />
      </FormRow>
      <FormRow>
        <TextField label="Action" value={draft.action} onInput={set("action")} list="audit-actions" name="audit-action" placeholder="e.g. customer.read" />
        <datalist id="audit-actions">{KNOWN_ACTIONS.map((action) => <option key={action} value={action} />)}</datalist>
        <SelectField label="Purpose" value={draft.purpose} onChange={set("purpose")} name="audit-purpose"
          options={[{ value: "", label: "Any purpose" }, ...purposes.map((purpose) => ({ value: purpose.id, label: label(purpose.id) }))]} />
        <SelectField label="Decision" value={draft.decision} onChange={set("decision")} name="audit-decision"
          options={[{ value: "", label: "Allowed or denied" }, { value: "allow", label: "Allowed" }, { value: "deny", label: "Denied" }]} />
      </FormRow>
      <FormRow>
        <TextField label="From" type="datetime-local" value={draft.from} onInput={set("from")} name="audit-from" hint="Your local time, inclusive" />
        <TextField label="To" type="datetime-local" value={draft.to} onInput={set("to")} name="audit-to" hint="Exclusive" />
      </FormRow>
      <div class="actions">
        <Button variant="quiet" onClick={() => setDraft(EMPTY_DRAFT)}>Clear filters</Button>
        <Button type="submit" variant="primary" busy={busy}>Search</Button>
      </div>
    </form>
  );
}
