import { apiBlob, get, post, query } from "./http";
import type { AuditEvent, Checkpoint, DataSubjectReport, DealerPendingPurges, Page, PurgeSummary, VerifyResult } from "./types";

/** The filters of `GET /v1/audit/events` (contract section 6). */
export interface AuditFilters {
  customerId?: string;
  dealerId?: string;
  actorId?: string;
  purpose?: string;
  action?: string;
  decision?: "allow" | "deny" | "";
  from?: string;
  to?: string;
}

export const EXPORT_TYPES = { csv: "text/csv", ndjson: "application/x-ndjson" } as const;

export const searchAuditEvents = (filters: AuditFilters, page: { cursor?: string; limit?: number } = {}) =>
  get<Page<AuditEvent>>(`/v1/audit/events${query({ ...filters, ...page })}`);

/** Without a delimiter the gateway picks one from the browser's language (`;` for Dutch, French, ...). */
export const exportAuditEvents = (filters: AuditFilters, format: keyof typeof EXPORT_TYPES, delimiter?: "comma" | "semicolon") =>
  apiBlob(`/v1/audit/events${query({ ...filters, delimiter })}`, EXPORT_TYPES[format]);

export const customerReport = (customerId: string) => get<DataSubjectReport>(`/v1/audit/customers/${encodeURIComponent(customerId)}/report`);
/** The report as a page for the customer, in the language of their record. */
export const printableCustomerReport = (customerId: string) => apiBlob(`/v1/audit/customers/${encodeURIComponent(customerId)}/report?format=html`, "text/html");
export const allPendingPurges = () => get<{ items: PurgeSummary[] }>("/v1/audit/pending-purges");
export const dealerPendingPurges = (dealerId: string, cursor?: string) =>
  get<DealerPendingPurges>(`/v1/audit/dealers/${encodeURIComponent(dealerId)}/pending-purges${query({ cursor })}`);
export const verifyAuditLog = () => get<VerifyResult>("/v1/audit/verify");
/** The log checked against a signed checkpoint note the auditor kept: it must still extend it. */
export const verifyAgainstCheckpoint = (note: string) => post<VerifyResult>("/v1/audit/verify", { checkpoint: note });
export const latestCheckpoint = () => get<Checkpoint>("/v1/audit/checkpoint");
