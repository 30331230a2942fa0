import { useEffect, useState } from "preact/hooks";
import { customerReport, printableCustomerReport } from "../../api/audit";
import type { DataSubjectReport } from "../../api/types";
import { t } from "../../i18n/translate";
import type { PageProps } from "../../routes";
import { navigate } from "../../routing/router";
import { Button } from "../../ui/button";
import { saveBlob } from "../../ui/download";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow } from "../../ui/fields";
import { Page, Panel } from "../../ui/page";
import type { Choice } from "../../ui/picker";
import { choiceOfId, CustomerPicker } from "../../ui/pickers";
import { useAction } from "../../ui/use-resource";
import { ReportView } from "./report-view";

/** The data-subject access report: who received the customer's data, when, why and which fields. */
export function ReportPage({ query }: PageProps) {
  const requested = query.get("customerId") ?? "";
  const [customer, setCustomer] = useState<Choice | null>(choiceOfId(requested));
  const [missing, setMissing] = useState(false);
  const [report, setReport] = useState<DataSubjectReport | null>(null);
  const action = useAction();
  useEffect(() => {
    setReport(null);
    if (requested) void action.run(async () => setReport(await customerReport(requested)));
  }, [requested]);
  const submit = (event: Event) => {
    event.preventDefault();
    if (!customer) return setMissing(true);
    navigate(`/audit/report?customerId=${encodeURIComponent(customer.id)}`);
  };
  const download = () => report && saveBlob(new Blob([JSON.stringify(report, null, 2)], { type: "application/json" }), `data-subject-report-${report.customerId}.json`);
  const printable = (customerId: string) => action.run(async () => saveBlob((await printableCustomerReport(customerId)).blob, `data-subject-report-${customerId}.html`));
  return (
    <Page title={t("report.title")} intro={t("report.intro")}>
      <Panel title={t("report.customer")}>
        <form onSubmit={submit} aria-label={t("report.form")} noValidate>
          <FormRow>
            <CustomerPicker value={customer} onChange={(next) => { setCustomer(next); setMissing(false); }} required name="report-customer"
              error={missing ? t("picker.pickOne") : null} />
          </FormRow>
          <ErrorNotice problem={action.problem} />
          <div class="actions"><Button type="submit" variant="primary" busy={action.busy}>{t("report.open")}</Button></div>
        </form>
      </Panel>
      {report && !action.problem && <ReportView report={report} actions={<>
        <Button onClick={download}>{t("report.download")}</Button>
        <Button onClick={() => printable(report.customerId)} label={t("report.printableLabel")}>{t("report.printable")}</Button>
      </>} />}
    </Page>
  );
}
