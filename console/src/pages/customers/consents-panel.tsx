import { useState } from "preact/hooks";
import { listConsents, listPurposes } from "../../api/crm";
import type { Consent, Dealer } from "../../api/types";
import { Button } from "../../ui/button";
import { ErrorNotice } from "../../ui/error-notice";
import { Loading, Panel } from "../../ui/page";
import { useResource } from "../../ui/use-resource";
import { t } from "../../i18n/translate";
import { hasKeptDraft } from "../../session/kept-drafts";
import { ConsentForm, consentDraftKey } from "./consent-form";
import { ConsentTimeline } from "./consent-timeline";
import { WithdrawDialog } from "./withdraw-dialog";

interface ConsentsPanelProps {
  customerId: string;
  erased: boolean;
  dealers: Dealer[];
}

export function ConsentsPanel({ customerId, erased, dealers }: ConsentsPanelProps) {
  const consents = useResource(() => listConsents(customerId), [customerId]);
  const purposes = useResource(() => listPurposes(), []);
  // A form left half-filled when the session ended opens again with its content.
  const [adding, setAdding] = useState(() => hasKeptDraft(consentDraftKey(customerId)));
  const [withdrawing, setWithdrawing] = useState<Consent | null>(null);
  const dealerName = (id: string) => dealers.find((dealer) => dealer.id === id)?.name;
  return (
    <Panel title={t("consent.title")} actions={!erased && !adding && <Button variant="primary" onClick={() => setAdding(true)}>{t("consent.record")}</Button>}>
      {adding && purposes.data && (
        <ConsentForm customerId={customerId} dealers={dealers} purposes={purposes.data.items}
          onRecorded={() => { setAdding(false); consents.reload(); }} onCancel={() => setAdding(false)} />
      )}
      <ErrorNotice problem={consents.problem ?? purposes.problem} />
      {consents.loading && !consents.data ? <Loading /> : consents.data && (
        <ConsentTimeline consents={consents.data.items} dealerName={dealerName} onWithdraw={erased ? undefined : setWithdrawing} />
      )}
      {withdrawing && (
        <WithdrawDialog consent={withdrawing} dealerName={dealerName(withdrawing.dealerId)}
          onDone={() => { setWithdrawing(null); consents.reload(); }} onCancel={() => setWithdrawing(null)} />
      )}
    </Panel>
  );
}
