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
import { auditEventsPage, SEQ_POSITION } from "./audit-query";
import { sealAuditEvents } from "./audit-seal";
import { verifyAuditLog } from "./audit-verify";
import { customerExists, dataSubjectReport } from "./data-subject-report";
import { allPendingPurges, dealerExists, dealerPendingPurges, parsePendingPurgesQuery, pendingPurgesAfter } from "./pending-purges";

const AUDITOR: [Role] = ["compliance_auditor"];
export const noQuery = z.strictObject({});

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
      const filters = filtersOf(parseExportQuery(req.query));
      await record(req, "audit.export", { filters, format });
      await streamAuditExport(res, deps.dataSource, filters, format, deps.clock());
      return;
    }
    const query = parseEventsQuery(req.query);
    const filters = filtersOf(query);
    const before = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor, SEQ_POSITION, filters));
    await record(req, "audit.query", { filters, limit: query.limit, continued: before !== undefined });
    sendJson(res, await auditEventsPage(deps.dataSource, filters, { before, limit: query.limit }));
  });

  routes.get("/v1/audit/customers/:id/report", AUDITOR, async (req, res) => {
    const customerId = idParam(req);
    parse(noQuery, req.query, "query");
    const known = await customerExists(deps.dataSource, customerId);
    await record(req, "audit.report", { customerId }, known ? {} : { status: 404 });
    if (!known) throw problems.notFound("No such customer");
    sendJson(res, await dataSubjectReport(deps.dataSource, customerId, deps.clock()));
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

  routes.get("/v1/audit/verify", AUDITOR, async (req, res) => {
    parse(noQuery, req.query, "query");
    await sealAuditEvents(deps.dataSource, deps.clock, { lockWaitSeconds: 5 });
    await record(req, "audit.verify", {});
    sendJson(res, await verifyAuditLog(deps.dataSource));
  });

  return routes.router;
}
