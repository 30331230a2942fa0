import type { Role } from "../../admin-users/admin-user.entity";
import { eventsQuerySchema } from "../../audit/audit-filters";
import { noQuery } from "../../audit/audit-routes";
import { pageQuery } from "../../audit/pending-purges";
import { adminOperation, errors, type Operation } from "../operation";
import {
  allPendingPurgesSchema, auditEventsPageSchema, dataSubjectReportSchema, dealerPendingPurgesSchema, verifySchema,
} from "../audit-response-schemas";

const AUDITOR: Role[] = ["compliance_auditor"];

export const AUDIT_OPERATIONS: Operation[] = [
  adminOperation({
    method: "get", path: "/v1/audit/events", tag: "compliance", roles: AUDITOR, summary: "Query the audit log, or export it",
    description: "Newest first; from inclusive, to exclusive. The cursor is bound to the filters it was issued with. With Accept: text/csv or application/x-ndjson the whole filtered result streams as a download (no cursor or limit then). Audited (audit.query, audit.export).",
    query: eventsQuerySchema,
    responses: {
      200: {
        description: "One page; nextCursor is null on the last", schema: auditEventsPageSchema, headers: ["Cache-Control"],
        alternatives: {
          "text/csv": { description: "RFC 4180 CSV with a header row; cells that a spreadsheet would evaluate are prefixed with '" },
          "application/x-ndjson": { description: "One event per line" },
        },
      },
    },
    errors: errors(406),
  }),
  adminOperation({
    method: "get", path: "/v1/audit/customers/:id/report", tag: "compliance", roles: AUDITOR, summary: "Data-subject access report",
    description: "Every dealer that received the customer's data, when, for which purpose and which fields, with the full consent history. Works for an erased customer's tombstone. Audited (audit.report).",
    query: noQuery,
    responses: { 200: { description: "The report", schema: dataSubjectReportSchema, headers: ["Cache-Control"] } }, errors: errors(404),
  }),
  adminOperation({
    method: "get", path: "/v1/audit/dealers/:id/pending-purges", tag: "compliance", roles: AUDITOR, summary: "A dealer's unacknowledged withdrawals and erasures",
    description: "Oldest first, with their age. Audited (audit.pending_purges).",
    query: pageQuery,
    responses: { 200: { description: "What the dealer still has to purge", schema: dealerPendingPurgesSchema, headers: ["Cache-Control"] } }, errors: errors(404),
  }),
  adminOperation({
    method: "get", path: "/v1/audit/pending-purges", tag: "compliance", roles: AUDITOR, summary: "Every dealer with unacknowledged withdrawals or erasures",
    description: "Longest waiting first. Audited (audit.pending_purges).",
    query: noQuery,
    responses: { 200: { description: "One line per dealer", schema: allPendingPurgesSchema, headers: ["Cache-Control"] } }, errors: {},
  }),
  adminOperation({
    method: "get", path: "/v1/audit/verify", tag: "compliance", roles: AUDITOR, summary: "Verify the audit log's hash chain",
    description: "Seals settled events first, then checks every sealed event against its seal: a changed, deleted or out-of-order event is reported with the first bad event id. Audited (audit.verify).",
    query: noQuery,
    responses: { 200: { description: "The verification result", schema: verifySchema, headers: ["Cache-Control"] } }, errors: {},
  }),
];
