import type { Role } from "../../admin-users/admin-user.entity";
import { eventsOrExportQuerySchema } from "../../audit/audit-filters";
import { consistencyQuery, heldCheckpointBody, noQuery, proofQuery, reportQuery } from "../../audit/audit-routes";
import { pageQuery } from "../../audit/pending-purges";
import { adminOperation, errors, type Operation } from "../operation";
import {
  allPendingPurgesSchema, auditEventsPageSchema, checkpointSchema, consistencyProofSchema, dataSubjectReportSchema, dealerPendingPurgesSchema,
  inclusionProofSchema, verifySchema,
} from "../audit-response-schemas";

const AUDITOR: Role[] = ["compliance_auditor"];

export const AUDIT_OPERATIONS: Operation[] = [
  adminOperation({
    method: "get", path: "/v1/audit/events", tag: "compliance", roles: AUDITOR, summary: "Query the audit log, or export it",
    description: "Newest first; from inclusive, to exclusive. The cursor is bound to the filters it was issued with. With Accept: text/csv or application/x-ndjson the whole filtered result streams as a download (no cursor or limit then), each event with its leafIndex in the Merkle tree (null until integrated); with proofs=1 (NDJSON only) each event also carries its inclusion proof in the tree of treeSize leaves (default: the latest checkpoint's), for `dealer-gateway verify-export`. cursor and limit apply to the JSON page only; proofs, treeSize and delimiter to the export only. Audited (audit.query, audit.export).",
    query: eventsOrExportQuerySchema,
    responses: {
      200: {
        description: "One page; nextCursor is null on the last", schema: auditEventsPageSchema, headers: ["Cache-Control"],
        alternatives: {
          "text/csv": { description: "RFC 4180 CSV with a UTF-8 byte order mark and a header row, comma-separated, or semicolon-separated with delimiter=semicolon or an Accept-Language whose spreadsheets use `;` (Dutch, French, German, ...); cells that a spreadsheet would evaluate are prefixed with '" },
          "application/x-ndjson": { description: "One event per line, with leafIndex, and with treeSize and inclusionProof when proofs=1" },
        },
      },
    },
    errors: errors(406),
  }),
  adminOperation({
    method: "get", path: "/v1/audit/customers/:id/report", tag: "compliance", roles: AUDITOR, summary: "Data-subject access report",
    description: "Every dealer that received the customer's data, when, for which purpose and which fields, with the full consent history. Works for an erased customer's tombstone. With Accept: text/html or format=html, the same report as a printable page for the customer, in the language of their record (en, nl or fr; else lang, else English), with dealers by name and purposes, fields and channels in words, all values HTML-escaped, no script, under a strict Content-Security-Policy. Audited (audit.report).",
    query: reportQuery,
    responses: {
      200: {
        description: "The report", schema: dataSubjectReportSchema, headers: ["Cache-Control"],
        alternatives: { "text/html": { description: "The printable report, a self-contained HTML page (print it, or save it as PDF from the browser)" } },
      },
    },
    errors: errors(404, 406),
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
    method: "get", path: "/v1/audit/verify", tag: "compliance", roles: AUDITOR, summary: "Verify the audit log",
    description: "Covers every event committed before the call: the latest checkpoint's signature; every leaf added since the last verification (whose signed mark it continues from), recomputed from its event, giving the checkpoint's root and extending the tree verified before; every event not yet integrated against its write batch's signature; no event written since the last verification outside the log; and, with AUDIT_WITNESS_FILE, that the log extends the witness's last checkpoint. Older leaves are recomputed by `dealer-gateway verify-audit --full`. Audited (audit.verify).",
    query: noQuery,
    responses: { 200: { description: "The verification result", schema: verifySchema, headers: ["Cache-Control"] } }, errors: {},
  }),
  adminOperation({
    method: "post", path: "/v1/audit/verify", tag: "compliance", roles: AUDITOR, summary: "Verify the audit log against a checkpoint you hold",
    description: "As GET, and also checks the held checkpoint's signature and that the current log extends it: a log rolled back below it or rewritten under it gives ok false, problem inconsistent. Audited (audit.verify).",
    query: noQuery,
    body: { schema: heldCheckpointBody, required: true },
    responses: { 200: { description: "The verification result", schema: verifySchema, headers: ["Cache-Control"] } }, errors: {},
  }),
  adminOperation({
    method: "get", path: "/v1/audit/checkpoint", tag: "compliance", roles: AUDITOR, summary: "The latest signed checkpoint",
    description: "A C2SP signed note over the Merkle tree's size and root (text/plain), or its parts with the verifier key (application/json). Audited (audit.checkpoint).",
    query: noQuery,
    responses: {
      200: {
        description: "The checkpoint", schema: checkpointSchema, headers: ["Cache-Control"],
        alternatives: { "text/plain": { description: "The signed note itself" } },
      },
    },
    errors: errors(406),
  }),
  adminOperation({
    method: "get", path: "/v1/audit/events/:id/proof", tag: "compliance", roles: AUDITOR, summary: "Inclusion proof of an event",
    description: "The RFC 9162 inclusion proof of the event in the tree of treeSize leaves (default: the latest checkpoint's); the leaf hash is recomputed from the event as it is now. 404 for an unknown event or one not in that tree, 400 for a size beyond the latest checkpoint. Audited (audit.proof).",
    query: proofQuery,
    responses: { 200: { description: "The proof", schema: inclusionProofSchema, headers: ["Cache-Control"] } }, errors: errors(404),
  }),
  adminOperation({
    method: "get", path: "/v1/audit/consistency", tag: "compliance", roles: AUDITOR, summary: "Consistency proof between two tree sizes",
    description: "The RFC 9162 consistency proof between the trees of from and to leaves (to defaults to the latest checkpoint's size). Audited (audit.consistency).",
    query: consistencyQuery,
    responses: { 200: { description: "The proof", schema: consistencyProofSchema, headers: ["Cache-Control"] } }, errors: {},
  }),
];
