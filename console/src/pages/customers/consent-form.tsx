import { useState } from "preact/hooks";
import { listGrants, recordConsent } from "../../api/crm";
import { consentDefaults } from "../../api/lookup";
import type { Dealer, Purpose } from "../../api/types";
import { t } from "../../i18n/translate";
import { useKeptDraft } from "../../session/kept-drafts";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { CheckboxGroup, FormRow, SelectField, TextField } from "../../ui/fields";
import { label, localInputToIso, timeZoneName } from "../../ui/format";
import { useAction, useResource } from "../../ui/use-resource";
import { hasErrors, requiredText, serverFieldErrors, type FieldErrors } from "../../ui/validation";

const CHANNELS = ["boutique", "web", "phone", "dealer_store", "email"];
type Field = "dealerId" | "purposes" | "evidenceRef" | "policyVersion" | "expiresAt";
const API_PATHS: Record<string, Field> = { dealerId: "dealerId", purposes: "purposes", evidenceRef: "evidenceRef", policyVersion: "policyVersion", expiresAt: "expiresAt" };

interface ConsentFormProps {
  customerId: string;
  dealers: Dealer[];
  purposes: Purpose[];
  onRecorded: () => void;
  onCancel: () => void;
}

export const consentDraftKey = (customerId: string) => `consent:${customerId}`;

/**
 * No dealer is chosen for the user: the dealer's live grants decide which purposes can be ticked, and a
 * purpose it holds no grant for is shown as such and cannot be recorded from here.
 */
export function ConsentForm({ customerId, dealers, purposes, onRecorded, onCancel }: ConsentFormProps) {
  const [form, setForm, forget] = useKeptDraft(consentDraftKey(customerId), {
    dealerId: "", purposes: [] as string[], channel: "boutique", evidenceRef: "", policyVersion: "", expiresAt: "",
  });
  const set = <K extends keyof typeof form>(key: K) => (value: (typeof form)[K]) => setForm((previous) => ({ ...previous, [key]: value }));
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const defaults = useResource(async () => {
    const found = await consentDefaults();
    if (found.policyVersion) setForm((previous) => (previous.policyVersion ? previous : { ...previous, policyVersion: found.policyVersion! }));
    return found;
  }, []);
  const grants = useResource(() => (form.dealerId ? listGrants(form.dealerId) : Promise.resolve(null)), [form.dealerId]);
  const granted = new Set((grants.data?.items ?? []).filter((grant) => grant.status === "active").map((grant) => grant.purpose));
  const action = useAction();

  const chooseDealer = (dealerId: string) => setForm((previous) => ({ ...previous, dealerId, purposes: [] }));
  const check = (): FieldErrors<Field> => {
    const expires = localInputToIso(form.expiresAt);
    const ungranted = form.purposes.filter((purpose) => !granted.has(purpose));
    return {
      dealerId: form.dealerId ? undefined : t("valid.chooseOne", { field: t("consent.dealer").toLowerCase() }),
      purposes: form.purposes.length === 0 ? t("valid.choosePurpose")
        : ungranted.length > 0 ? t("valid.notGranted", { purposes: ungranted.map(label).join(", ") }) : undefined,
      evidenceRef: requiredText(form.evidenceRef, t("consent.evidence")),
      policyVersion: requiredText(form.policyVersion, t("consent.policy")),
      expiresAt: form.expiresAt && (!expires || Date.parse(expires) <= Date.now()) ? t("valid.future") : undefined,
    };
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = check();
    setErrors(found);
    if (hasErrors(found)) return;
    const body = {
      dealerId: form.dealerId, purposes: form.purposes, channel: form.channel, evidenceRef: form.evidenceRef.trim(), policyVersion: form.policyVersion.trim(),
      ...(form.expiresAt ? { expiresAt: localInputToIso(form.expiresAt) } : {}),
    };
    if (await action.run(() => recordConsent(customerId, body))) {
      forget();
      onRecorded();
    }
  };
  const shown = { ...serverFieldErrors(action.problem, API_PATHS), ...Object.fromEntries(Object.entries(errors).filter(([, value]) => value)) };
  const purposeOptions = purposes.map((purpose) => {
    const open = !form.dealerId || granted.has(purpose.id);
    return { value: purpose.id, label: label(purpose.id), disabled: !form.dealerId || !open, note: form.dealerId && !open ? t("consent.notGranted") : undefined };
  });
  return (
    <form class="inset" onSubmit={submit} aria-label={t("consent.form")} noValidate>
      <FormRow>
        <SelectField label={t("consent.dealer")} value={form.dealerId} onChange={chooseDealer} required name="consent-dealer" error={shown.dealerId}
          options={[{ value: "", label: t("consent.chooseDealer") }, ...dealers.map((dealer) => ({ value: dealer.id, label: `${dealer.name} (${dealer.country})` }))]} />
        <SelectField label={t("consent.channel")} value={form.channel} onChange={set("channel")} required name="consent-channel"
          options={CHANNELS.map((item) => ({ value: item, label: label(item) }))} hint={t("consent.channelHint")} />
      </FormRow>
      <CheckboxGroup label={t("consent.purposes")} options={purposeOptions} selected={form.purposes} onChange={set("purposes")} error={shown.purposes}
        hint={form.dealerId ? t("consent.purposesHint") : t("consent.pickDealerFirst")} />
      <FormRow>
        <TextField label={t("consent.evidence")} value={form.evidenceRef} onInput={set("evidenceRef")} required name="consent-evidence" hint={t("consent.evidenceHint")}
          error={shown.evidenceRef} maxLength={255} />
        <TextField label={t("consent.policy")} value={form.policyVersion} onInput={set("policyVersion")} required name="consent-policy" hint={t("consent.policyHint")}
          error={shown.policyVersion} maxLength={64} />
        <TextField label={t("consent.expires")} type="datetime-local" value={form.expiresAt} onInput={set("expiresAt")} optional name="consent-expires"
          hint={t("consent.expiresHint", { zone: timeZoneName() })} error={shown.expiresAt} />
      </FormRow>
      <ErrorNotice problem={action.problem ?? defaults.problem ?? grants.problem} shownOnFields={Object.keys(API_PATHS)} />
      <div class="actions">
        <Button variant="quiet" onClick={() => { forget(); onCancel(); }}>{t("ui.cancel")}</Button>
        <Button type="submit" variant="primary" busy={action.busy}>{t("consent.record")}</Button>
      </div>
    </form>
  );
}
