import { useEffect, useState } from "preact/hooks";
import { exportAuditEvents, searchAuditEvents, type AuditFilters } from "../../api/audit";
import { listPurposes } from "../../api/crm";
import type { AuditEvent } from "../../api/types";
import type { PageProps } from "../../routes";
import { Button } from "../../ui/button";
import { saveBlob } from "../../ui/download";
import { ErrorNotice } from "../../ui/error-notice";
import { Page, Panel } from "../../ui/page";
import { useAction, useResource } from "../../ui/use-resource";
import { AuditEventsTable } from "./audit-events-table";
import { AuditFilterForm, EMPTY_DRAFT, filtersOf, type FilterDraft } from "./audit-filter-form";

const PAGE_SIZE = 50;

/** Ids may arrive in the address from other compliance pages; they are pseudonymous, never personal data. */
function draftFromQuery(query: URLSearchParams): FilterDraft {
  return { ...EMPTY_DRAFT, customerId: query.get("customerId") ?? "", dealerId: query.get("dealerId") ?? "", action: query.get("action") ?? "" };
}

export function AuditLogPage({ query }: PageProps) {
  const purposes = useResource(() => listPurposes(), []);
  const [filters, setFilters] = useState<AuditFilters>(() => filtersOf(draftFromQuery(query)));
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [searched, setSearched] = useState(false);
  const search = useAction();
  const exporting = useAction();

  const load = (next: AuditFilters, after?: string) =>
    search.run(async () => {
      const page = await searchAuditEvents(next, { cursor: after, limit: PAGE_SIZE });
      setEvents((previous) => (after ? [...previous, ...page.items] : page.items));
      setCursor(page.nextCursor ?? null);
      setSearched(true);
    });
  useEffect(() => void load(filters), []);

  const onSearch = (draft: FilterDraft) => {
    const next = filtersOf(draft);
    setFilters(next);
    void load(next);
  };
  const onExport = (format: "csv" | "ndjson", delimiter?: "semicolon") =>
    exporting.run(async () => {
      const { blob, filename } = await exportAuditEvents(filters, format, delimiter);
      saveBlob(blob, filename ?? `audit-events.${format}`);
    });

  return (
    <Page title="Audit log" intro="Every dealer access, admin change, compliance query and token, newest first. Searching is itself recorded.">
      <Panel title="Search">
        <AuditFilterForm initial={draftFromQuery(query)} purposes={purposes.data?.items ?? []} busy={search.busy} onSearch={onSearch} />
      </Panel>
      <Panel title="Events" actions={
        <>
          <Button busy={exporting.busy} onClick={() => onExport("csv")} label="Export as CSV">Export CSV</Button>
          <Button busy={exporting.busy} onClick={() => onExport("csv", "semicolon")} label="Export as CSV separated by semicolons, for Excel in Dutch, French or German">Export CSV (;)</Button>
          <Button busy={exporting.busy} onClick={() => onExport("ndjson")} label="Export as NDJSON">Export NDJSON</Button>
        </>
      }>
        <p class="muted small">Exports contain every event matching the search, not only the rows shown.</p>
        <ErrorNotice problem={search.problem ?? exporting.problem} />
        {searched && (events.length === 0 ? <p class="empty" role="status">No event matches.</p> : <AuditEventsTable events={events} />)}
        {cursor && <div class="actions"><Button busy={search.busy} onClick={() => load(filters, cursor)}>Show older events</Button></div>}
      </Panel>
    </Page>
  );
}
