import { useEffect, useState } from "preact/hooks";
import { customerReport, printableCustomerReport } from "../../api/audit";
import type { DataSubjectReport } from "../../api/types";
import type { PageProps } from "../../routes";
import { navigate } from "../../routing/router";
import { Button } from "../../ui/button";
import { saveBlob } from "../../ui/download";
import { ErrorNotice } from "../../ui/error-notice";
import { FormRow, TextField } from "../../ui/fields";
import { Page, Panel } from "../../ui/page";
import { useAction } from "../../ui/use-resource";
import { ReportView } from "./report-view";

/** The data-subject access report: who received the customer's data, when, why and which fields. */
export function ReportPage({ query }: PageProps) {
  const requested = query.get("customerId") ?? "";
  const [customerId, setCustomerId] = useState(requested);
  const [report, setReport] = useState<DataSubjectReport | null>(null);
  const action = useAction();
  useEffect(() => {
    setReport(null);
    if (requested) void action.run(async () => setReport(await customerReport(requested)));
  }, [requested]);
  const submit = (event: Event) => {
    event.preventDefault();
    navigate(`/audit/report?customerId=${encodeURIComponent(customerId.trim())}`);
  };
  const download = () => report && saveBlob(new Blob([JSON.stringify(report, null, 2)], { type: "application/json" }), `data-subject-report-${report.customerId}.json`);
  const printable = (customer: string) => action.run(async () => saveBlob((await printableCustomerReport(customer)).blob, `data-subject-report-${customer}.html`));
  return (
    <Page title="Data-subject report" intro="For an access request: every dealer that received the customer's data, when, for which purpose and which fields, with the consent history.">
      <Panel title="Customer">
        <form onSubmit={submit} aria-label="Data-subject report">
          <FormRow>
            <TextField label="Customer id" value={customerId} onInput={setCustomerId} required mono name="report-customer" hint="The gateway's id of the customer" />
          </FormRow>
          <ErrorNotice problem={action.problem} />
          <div class="actions"><Button type="submit" variant="primary" busy={action.busy}>Open report</Button></div>
        </form>
      </Panel>
      {report && <ReportView report={report} actions={<>
        <Button onClick={download}>Download JSON</Button>
        <Button onClick={() => printable(report.customerId)} label="Download the report as a page to print for the customer, in their language">Printable report</Button>
      </>} />}
    </Page>
  );
}
