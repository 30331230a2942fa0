import { useState } from "preact/hooks";
import { checkAccess, listPurposes } from "../../api/crm";
import type { AccessAnswer } from "../../api/types";
import { t } from "../../i18n/translate";
import type { PageProps } from "../../routes";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, SelectField } from "../../ui/fields";
import { fieldList, label } from "../../ui/format";
import { Page, Panel } from "../../ui/page";
import type { Choice } from "../../ui/picker";
import { choiceOfId, CustomerPicker, DealerPicker } from "../../ui/pickers";
import { StatusBadge } from "../../ui/status-badge";
import { useAction, useResource } from "../../ui/use-resource";
import { reasonSentence } from "./access-reasons";

type Missing = Partial<Record<"dealer" | "customer" | "purpose", string>>;

/** "Why can't this dealer see this client?": the decision a dealer request would get now, in words. */
export function AccessCheckPage({ query }: PageProps) {
  const purposes = useResource(() => listPurposes(), []);
  const [dealer, setDealer] = useState<Choice | null>(choiceOfId(query.get("dealerId")));
  const [customer, setCustomer] = useState<Choice | null>(choiceOfId(query.get("customerId")));
  const [purpose, setPurpose] = useState(query.get("purpose") ?? "");
  const [missing, setMissing] = useState<Missing>({});
  const [answer, setAnswer] = useState<{ result: AccessAnswer; purpose: string } | null>(null);
  const action = useAction();
  const purposeOptions = [{ value: "", label: t("check.choosePurpose") }, ...(purposes.data?.items ?? []).map((item) => ({ value: item.id, label: label(item.id) }))];
  const submit = async (event: Event) => {
    event.preventDefault();
    setAnswer(null);
    const gaps: Missing = {
      ...(dealer ? {} : { dealer: t("picker.pickOne") }), ...(customer ? {} : { customer: t("picker.pickOne") }),
      ...(purpose ? {} : { purpose: t("valid.chooseOne", { field: t("check.purpose").toLowerCase() }) }),
    };
    setMissing(gaps);
    if (!dealer || !customer || !purpose) return;
    await action.run(async () => {
      const result = await checkAccess({ dealerId: dealer.id, customerId: customer.id, purpose });
      setAnswer({ result, purpose });
    });
  };
  const verdict = answer?.result.allow ? "allow" : "deny";
  return (
    <Page title={t("check.title")} intro={t("check.intro")}>
      <Panel title={t("check.ask")}>
        <form onSubmit={submit} aria-label={t("check.form")} noValidate>
          <FormRow>
            <DealerPicker value={dealer} onChange={(next) => { setDealer(next); setAnswer(null); }} required name="check-dealer" error={missing.dealer} />
            <CustomerPicker value={customer} onChange={(next) => { setCustomer(next); setAnswer(null); }} required name="check-customer" error={missing.customer} />
            <SelectField label={t("check.purpose")} value={purpose} onChange={(next) => { setPurpose(next); setAnswer(null); }} required options={purposeOptions}
              name="check-purpose" error={missing.purpose} />
          </FormRow>
          <ErrorNotice problem={action.problem ?? purposes.problem} />
          <div class="actions"><Button type="submit" variant="primary" busy={action.busy}>{t("check.submit")}</Button></div>
        </form>
      </Panel>
      {answer && !action.problem && (
        <Panel title={t("check.answer")}>
          <div class={`verdict verdict-${verdict}`} role="status">
            <StatusBadge status={verdict} label={answer.result.allow ? t("badge.allowed") : t("badge.denied")} />
            <p>{reasonSentence(answer.result.reason)}</p>
          </div>
          {answer.result.allow && (
            <p>{t("check.fields", { purpose: label(answer.purpose).toLowerCase() })} <strong>{fieldList(answer.result.fields)}</strong></p>
          )}
          <p class="muted small">{t("check.reasonCode", { code: answer.result.reason })}</p>
        </Panel>
      )}
    </Page>
  );
}
