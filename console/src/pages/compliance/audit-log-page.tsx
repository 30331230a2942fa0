import { useEffect, useState } from "preact/hooks";
import { exportAuditEvents, searchAuditEvents, type AuditFilters } from "../../api/audit";
import { listPurposes } from "../../api/crm";
import type { AuditEvent } from "../../api/types";
import { t } from "../../i18n/translate";
import type { PageProps } from "../../routes";
import { Button } from "../../ui/button";
import { saveBlob } from "../../ui/download";
import { ErrorNotice } from "../../ui/error-notice";
import { Page, Panel } from "../../ui/page";
import { useAction, useResource } from "../../ui/use-resource";
import { AuditEventsTable } from "./audit-events-table";
import { AuditFilterForm, draftFromQuery, filtersOf, type FilterDraft } from "./audit-filter-form";

const PAGE_SIZE = 50;

export function AuditLogPage({ query }: PageProps) {
  const purposes = useResource(() => listPurposes(), []);
  const [filters, setFilters] = useState<AuditFilters>(() => filtersOf(draftFromQuery(query)));
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [searched, setSearched] = useState(false);
  const search = useAction();
  const exporting = useAction();

  const load = (next: AuditFilters, after?: string) => {
    // A new search starts from nothing: rows of the previous one never stand under a later error.
    if (!after) {
      setEvents([]);
      setCursor(null);
      setSearched(false);
    }
    return search.run(async () => {
      const page = await searchAuditEvents(next, { cursor: after, limit: PAGE_SIZE });
      setEvents((previous) => (after ? [...previous, ...page.items] : page.items));
      setCursor(page.nextCursor ?? null);
      setSearched(true);
    });
  };
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
    <Page title={t("audit.title")} intro={t("audit.intro")}>
      <Panel title={t("audit.search")}>
        <AuditFilterForm initial={draftFromQuery(query)} purposes={purposes.data?.items ?? []} busy={search.busy} onSearch={onSearch} />
      </Panel>
      <Panel title={t("audit.events")} actions={
        <>
          <Button busy={exporting.busy} onClick={() => onExport("csv")} label={t("audit.exportCsvLabel")}>{t("audit.exportCsv")}</Button>
          <Button busy={exporting.busy} onClick={() => onExport("csv", "semicolon")} label={t("audit.exportCsvSemicolonLabel")}>{t("audit.exportCsvSemicolon")}</Button>
          <Button busy={exporting.busy} onClick={() => onExport("ndjson")} label={t("audit.exportNdjsonLabel")}>{t("audit.exportNdjson")}</Button>
        </>
      }>
        <p class="muted small">{t("audit.exportNote")}</p>
        <ErrorNotice problem={search.problem ?? exporting.problem} />
        {searched && !search.problem && (events.length === 0 ? <p class="empty" role="status">{t("audit.noMatch")}</p> : <AuditEventsTable events={events} />)}
        {cursor && !search.problem && <div class="actions"><Button busy={search.busy} onClick={() => load(filters, cursor)}>{t("audit.older")}</Button></div>}
      </Panel>
    </Page>
  );
}
