import type { Request, Response, Router } from "express";
import { z } from "zod";
import type { Role } from "../admin-users/admin-user.entity";
import type { AppDeps } from "../app-deps";
import { securedRouter } from "../auth/secured-router";
import { idParam } from "../http/params";
import { problems } from "../http/problem";
import { parse } from "../http/validate";
import { decodeCursor } from "../http/cursor";
import { EXPORT_FORMATS, streamAuditExport, type ExportFormat } from "./audit-export";
import { filtersOf, parseEventsQuery, parseExportQuery } from "./audit-filters";
import { auditInput, type AuditFacts } from "./audit-log";
import { withDisplayNames } from "./audit-names";
import { auditEventsPage, SEQ_POSITION } from "./audit-query";
import { checkpointBody, consistencyProof, currentCheckpoint, eventInclusionProof } from "./audit-proofs";
import { verifyAuditLog } from "./audit-verify";
import { heldCheckpoints } from "./audit-witness";
import { csvSeparatorFor } from "./csv";
import { customerExists, dataSubjectReport } from "./data-subject-report";
import { printableReport } from "./report-print/printable-report";
import { REPORT_HTML_CSP } from "./report-print/report-html";
import { REPORT_LANGUAGES } from "./report-print/report-wording";
import { allPendingPurges, dealerExists, dealerPendingPurges, parsePendingPurgesQuery, pendingPurgesAfter } from "./pending-purges";

const AUDITOR: [Role] = ["compliance_auditor"];
export const noQuery = z.strictObject({});
const treeSizeParam = z.string().regex(/^\d{1,15}$/, "must be a whole number").transform(Number);
export const proofQuery = z.strictObject({ treeSize: treeSizeParam.optional() });
export const consistencyQuery = z.strictObject({ from: treeSizeParam, to: treeSizeParam.optional() });
/** A C2SP signed note: a few lines of text and signatures. */
export const heldCheckpointBody = z.strictObject({ checkpoint: z.string().min(1).max(4096) });

/** `format=html` or `lang` ask for the printable page; `lang` is used when the customer's record names no language of the page. */
export const reportQuery = z.strictObject({
  format: z.enum(["json", "html"], "must be json or html").optional().describe("html: the printable report for the customer (as Accept: text/html); default JSON"),
  lang: z.enum(REPORT_LANGUAGES, `must be one of ${REPORT_LANGUAGES.join(", ")}`).optional()
    .describe("The printable report's language when the customer's record has none of en, nl, fr (the record's own language wins)"),
});

function reportFormat(req: Request, asked: "json" | "html" | undefined): "json" | "html" {
  if (asked) return asked;
  const accepted = req.accepts(["application/json", "text/html"]);
  if (!accepted) throw problems.notAcceptable("This endpoint answers application/json, or text/html for the printable report");
  return accepted === "text/html" ? "html" : "json";
}

/** JSON unless the client asks for an export; 406 when it accepts none of the three. */
function responseFormat(req: Request): "json" | ExportFormat {
  const accepted = req.accepts(["application/json", ...Object.keys(EXPORT_FORMATS)]);
  if (!accepted) throw problems.notAcceptable("This endpoint answers application/json, text/csv or application/x-ndjson");
  return accepted === "application/json" ? "json" : EXPORT_FORMATS[accepted as keyof typeof EXPORT_FORMATS];
}

function sendJson(res: Response, body: unknown): void {
  res.setHeader("Cache-Control", "no-store");
  res.json(body);
}

/**
 * The compliance API of contract section 6 (role `compliance_auditor`). Every call is itself audited,
 * with what was asked (never what was answered), before the answer is sent; invalid requests are
 * refused before anything is written.
 */
export function auditRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  const record = (req: Request, action: string, detail: Record<string, unknown>, facts: Partial<AuditFacts> = {}) =>
    deps.audit.record(auditInput(req, { action, decision: "allow", status: 200, detail, ...facts }));

  routes.get("/v1/audit/events", AUDITOR, async (req, res) => {
    const format = responseFormat(req);
    if (format !== "json") {
      const query = parseExportQuery(req.query);
      const filters = filtersOf(query);
      const proofs = query.proofs === "1" ? { key: deps.auditKey, treeSize: query.treeSize } : undefined;
      if (proofs && format !== "ndjson") throw problems.validation("proofs=1 needs the NDJSON export");
      if (query.delimiter && format !== "csv") throw problems.validation("delimiter applies to the CSV export only");
      const separator = csvSeparatorFor(query.delimiter, req.acceptsLanguages()[0]);
      await record(req, "audit.export", { filters, format, ...(proofs ? { proofs: true } : {}), ...(format === "csv" && separator === ";" ? { delimiter: "semicolon" } : {}) });
      await streamAuditExport(res, deps.dataSource, filters, format, deps.clock(), proofs, separator);
      return;
    }
    const query = parseEventsQuery(req.query);
    const filters = filtersOf(query);
    const before = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor, SEQ_POSITION, filters));
    await record(req, "audit.query", { filters, limit: query.limit, continued: before !== undefined });
    const page = await auditEventsPage(deps.dataSource, filters, { before, limit: query.limit });
    sendJson(res, { ...page, items: await withDisplayNames(deps.dataSource, page.items) });
  });

  routes.get("/v1/audit/customers/:id/report", AUDITOR, async (req, res) => {
    const customerId = idParam(req);
    const query = parse(reportQuery, req.query, "query");
    const format = reportFormat(req, query.format);
    const known = await customerExists(deps.dataSource, customerId);
    const detail = format === "html" ? { customerId, format, ...(query.lang ? { lang: query.lang } : {}) } : { customerId };
    await record(req, "audit.report", detail, known ? {} : { status: 404 });
    if (!known) throw problems.notFound("No such customer");
    const report = await dataSubjectReport(deps.dataSource, customerId, deps.clock());
    if (format === "json") return sendJson(res, report);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Security-Policy", REPORT_HTML_CSP);
    res.type("text/html; charset=utf-8").send(await printableReport(deps.dataSource, report, query.lang));
  });

  routes.get("/v1/audit/dealers/:id/pending-purges", AUDITOR, async (req, res) => {
    const dealerId = idParam(req);
    const page = parsePendingPurgesQuery(req.query);
    const after = pendingPurgesAfter(dealerId, page.cursor);
    const known = await dealerExists(deps.dataSource, dealerId);
    await record(req, "audit.pending_purges", { dealerId, limit: page.limit, continued: after !== undefined }, known ? {} : { status: 404 });
    if (!known) throw problems.notFound("No such dealer");
    sendJson(res, await dealerPendingPurges(deps.dataSource, dealerId, { after, limit: page.limit }, deps.clock()));
  });

  routes.get("/v1/audit/pending-purges", AUDITOR, async (req, res) => {
    parse(noQuery, req.query, "query");
    await record(req, "audit.pending_purges", {});
    sendJson(res, await allPendingPurges(deps.dataSource, deps.clock()));
  });

  /** The witness file's last checkpoint, and the one the caller holds: the log must extend both. */
  const verify = (held?: string) =>
    verifyAuditLog(deps.dataSource, deps.auditKey, { held: heldCheckpoints(deps.config.AUDIT_WITNESS_FILE, held), now: deps.clock });

  routes.get("/v1/audit/verify", AUDITOR, async (req, res) => {
    parse(noQuery, req.query, "query");
    await record(req, "audit.verify", {});
    sendJson(res, await verify());
  });

  routes.post("/v1/audit/verify", AUDITOR, async (req, res) => {
    parse(noQuery, req.query, "query");
    const body = parse(heldCheckpointBody, req.body, "body");
    await record(req, "audit.verify", { heldCheckpoint: true });
    sendJson(res, await verify(body.checkpoint));
  });

  routes.get("/v1/audit/checkpoint", AUDITOR, async (req, res) => {
    parse(noQuery, req.query, "query");
    const format = req.accepts(["text/plain", "application/json"]);
    if (!format) throw problems.notAcceptable("This endpoint answers text/plain (the signed note) or application/json");
    await record(req, "audit.checkpoint", {});
    const checkpoint = await currentCheckpoint(deps.dataSource, deps.auditKey);
    if (format === "application/json") return sendJson(res, checkpointBody(checkpoint, deps.auditKey));
    res.setHeader("Cache-Control", "no-store");
    res.type("text/plain; charset=utf-8").send(checkpoint.note);
  });

  routes.get("/v1/audit/events/:id/proof", AUDITOR, async (req, res) => {
    const eventId = idParam(req);
    const { treeSize } = parse(proofQuery, req.query, "query");
    await record(req, "audit.proof", { eventId, treeSize });
    sendJson(res, await eventInclusionProof(deps.dataSource, deps.auditKey, eventId, treeSize));
  });

  routes.get("/v1/audit/consistency", AUDITOR, async (req, res) => {
    const { from, to } = parse(consistencyQuery, req.query, "query");
    await record(req, "audit.consistency", { from, to });
    sendJson(res, await consistencyProof(deps.dataSource, deps.auditKey, from, to));
  });

  return routes.router;
}
