import { useState } from "preact/hooks";
import type { AuditFilters } from "../../api/audit";
import type { Purpose } from "../../api/types";
import { t } from "../../i18n/translate";
import { Button } from "../../ui/button";
import { FormRow, SelectField, TextField } from "../../ui/fields";
import { label, localInputToIso, timeZoneName } from "../../ui/format";
import type { Choice } from "../../ui/picker";
import { AdminUserPicker, choiceOfId, CustomerPicker, DealerPicker } from "../../ui/pickers";

/** Actions worth suggesting; the field accepts any action name. */
const KNOWN_ACTIONS = [
  "customer.read", "customer.lookup", "customer.list", "consent_events.read", "token.issue", "auth.login", "dealer.create", "dealer.update", "dealer.suspend",
  "dealer.reinstate", "credential.create", "credential.revoke", "grant.put", "grant.revoke", "customer.create", "customer.update", "customer.restrict",
  "customer.erase", "consent.record", "consent.withdraw", "access.check", "audit.query", "audit.export", "audit.report", "lookup.customers",
];

export interface FilterDraft {
  customer: Choice | null;
  dealer: Choice | null;
  actor: Choice | null;
  purpose: string;
  action: string;
  decision: string;
  from: string;
  to: string;
}

export const EMPTY_DRAFT: FilterDraft = { customer: null, dealer: null, actor: null, purpose: "", action: "", decision: "", from: "", to: "" };

/** A `datetime-local` value for an instant, in the browser's zone (what the form shows). */
export function localInputOf(iso: string | null): string {
  if (!iso) return "";
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return "";
  const local = new Date(time.getTime() - time.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** Ids and times may arrive in the address from other compliance pages; ids are pseudonymous, never personal data. */
export function draftFromQuery(query: URLSearchParams): FilterDraft {
  return {
    ...EMPTY_DRAFT, customer: choiceOfId(query.get("customerId")), dealer: choiceOfId(query.get("dealerId")), actor: choiceOfId(query.get("actorId")),
    action: query.get("action") ?? "", decision: query.get("decision") ?? "", from: localInputOf(query.get("from")), to: localInputOf(query.get("to")),
  };
}

export function filtersOf(draft: FilterDraft): AuditFilters {
  return {
    customerId: draft.customer?.id, dealerId: draft.dealer?.id, actorId: draft.actor?.id,
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
  const set = <K extends keyof FilterDraft>(key: K) => (value: FilterDraft[K]) => setDraft((previous) => ({ ...previous, [key]: value }));
  const submit = (event: Event) => {
    event.preventDefault();
    onSearch(draft);
  };
  return (
    <form onSubmit={submit} role="search" aria-label={t("audit.searchForm")}>
      <FormRow>
        <CustomerPicker value={draft.customer} onChange={set("customer")} name="audit-customer" optional />
        <DealerPicker value={draft.dealer} onChange={set("dealer")} name="audit-dealer" optional />
        <AdminUserPicker value={draft.actor} onChange={set("actor")} name="audit-actor" optional />
      </FormRow>
      <FormRow>
        <TextField label={t("audit.action")} value={draft.action} onInput={set("action")} list="audit-actions" name="audit-action" placeholder={t("audit.actionExample")} />
        <datalist id="audit-actions">{KNOWN_ACTIONS.map((action) => <option key={action} value={action} />)}</datalist>
        <SelectField label={t("audit.purpose")} value={draft.purpose} onChange={set("purpose")} name="audit-purpose"
          options={[{ value: "", label: t("audit.anyPurpose") }, ...purposes.map((purpose) => ({ value: purpose.id, label: label(purpose.id) }))]} />
        <SelectField label={t("audit.decision")} value={draft.decision} onChange={set("decision")} name="audit-decision"
          options={[{ value: "", label: t("audit.anyDecision") }, { value: "allow", label: t("badge.allowed") }, { value: "deny", label: t("badge.denied") }]} />
      </FormRow>
      <FormRow>
        <TextField label={t("audit.from")} type="datetime-local" value={draft.from} onInput={set("from")} name="audit-from" hint={t("audit.fromHint", { zone: timeZoneName() })} />
        <TextField label={t("audit.to")} type="datetime-local" value={draft.to} onInput={set("to")} name="audit-to" hint={t("audit.toHint")} />
      </FormRow>
      <div class="actions">
        <Button variant="quiet" onClick={() => setDraft(EMPTY_DRAFT)}>{t("audit.clear")}</Button>
        <Button type="submit" variant="primary" busy={busy}>{t("ui.search")}</Button>
      </div>
    </form>
  );
}
