import { useState } from "preact/hooks";
import { checkAccess, listDealers, listPurposes } from "../../api/crm";
import type { AccessAnswer } from "../../api/types";
import type { PageProps } from "../../routes";
import { canManageCrm } from "../../session/use-session";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, SelectField, TextField } from "../../ui/fields";
import { fieldList, label } from "../../ui/format";
import { Page, Panel } from "../../ui/page";
import { StatusBadge } from "../../ui/status-badge";
import { useAction, useResource } from "../../ui/use-resource";
import { reasonSentence } from "./access-reasons";

/** "Why can't this dealer see this client?": the decision a dealer request would get now, in words. */
export function AccessCheckPage({ query, roles }: PageProps) {
  const pickDealer = canManageCrm(roles);
  const purposes = useResource(() => listPurposes(), []);
  const dealers = useResource(() => (pickDealer ? listDealers() : Promise.resolve(null)), [pickDealer]);
  const [dealerId, setDealerId] = useState(query.get("dealerId") ?? "");
  const [customerId, setCustomerId] = useState(query.get("customerId") ?? "");
  const [purpose, setPurpose] = useState(query.get("purpose") ?? "");
  const [answer, setAnswer] = useState<{ result: AccessAnswer; purpose: string } | null>(null);
  const action = useAction();
  const purposeOptions = [{ value: "", label: "Choose a purpose" }, ...(purposes.data?.items ?? []).map((item) => ({ value: item.id, label: label(item.id) }))];
  const submit = async (event: Event) => {
    event.preventDefault();
    setAnswer(null);
    await action.run(async () => {
      const result = await checkAccess({ dealerId: dealerId.trim(), customerId: customerId.trim(), purpose });
      setAnswer({ result, purpose });
    });
  };
  return (
    <Page title="Access check" intro="Why can't this dealer see this client? The answer is the decision a dealer request would get right now. It shows no personal data.">
      <Panel title="Ask">
        <form onSubmit={submit} aria-label="Access check">
          <FormRow>
            {pickDealer
              ? <SelectField label="Dealer" value={dealerId} onChange={setDealerId} required name="check-dealer"
                  options={[{ value: "", label: "Choose a dealer" }, ...(dealers.data?.items ?? []).map((dealer) => ({ value: dealer.id, label: `${dealer.name} (${dealer.country})` }))]} />
              : <TextField label="Dealer id" value={dealerId} onInput={setDealerId} required mono name="check-dealer" />}
            <TextField label="Customer id" value={customerId} onInput={setCustomerId} required mono name="check-customer" hint="The gateway's id, shown on the customer's page" />
            <SelectField label="Purpose" value={purpose} onChange={setPurpose} required options={purposeOptions} name="check-purpose" />
          </FormRow>
          <ErrorNotice problem={action.problem ?? purposes.problem ?? dealers.problem} />
          <div class="actions"><Button type="submit" variant="primary" busy={action.busy}>Check access</Button></div>
        </form>
      </Panel>
      {answer && (
        <Panel title="Answer">
          <div class={`verdict ${answer.result.allow ? "verdict-allow" : "verdict-deny"}`} role="status">
            <StatusBadge status={answer.result.allow ? "allow" : "deny"} label={answer.result.allow ? "Allowed" : "Denied"} />
            <p>{reasonSentence(answer.result.reason)}</p>
          </div>
          {answer.result.allow && (
            <p>Fields released for {label(answer.purpose).toLowerCase()}: <strong>{fieldList(answer.result.fields)}</strong></p>
          )}
          <p class="muted small">Reason code <code>{answer.result.reason}</code>, as recorded in the audit log.</p>
        </Panel>
      )}
    </Page>
  );
}
