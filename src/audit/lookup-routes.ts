import type { Router } from "express";
import { z } from "zod";
import type { Role } from "../admin-users/admin-user.entity";
import type { AppDeps } from "../app-deps";
import { securedRouter } from "../auth/secured-router";
import { parse } from "../http/validate";
import { auditInput } from "./audit-log";
import { lookUpAdminUsers, lookUpCustomers, lookUpDealers } from "./lookups";

/** Who picks dealers, customers and admin users from a list: auditors for their filters and reports, CRM admins for their forms. */
const PICKERS: [Role, Role] = ["crm_admin", "compliance_auditor"];
export const lookupQuery = z.strictObject({
  q: z.string().trim().min(1).max(100).optional().describe("Text typed into a picker"),
  ids: z.string().max(20 * 37).optional().describe("Comma-separated ids of choices already made, up to 20, to show their names"),
}).refine((query) => (query.q === undefined) !== (query.ids === undefined), "give exactly one of q or ids");
const idList = z.array(z.uuid()).min(1).max(20);

const LOOKUPS = [
  { path: "dealers", action: "lookup.dealers", find: lookUpDealers },
  { path: "customers", action: "lookup.customers", find: lookUpCustomers },
  { path: "admin-users", action: "lookup.admin_users", find: lookUpAdminUsers },
] as const;

/**
 * Read-only look-ups for pickers (search as you type). Each answers ids and display names only, and is
 * audited with the ids it returned; the text typed is not kept, since it may be a name or an e-mail.
 */
export function lookupRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  for (const lookup of LOOKUPS) {
    routes.get(`/v1/admin/lookup/${lookup.path}`, PICKERS, async (req, res) => {
      const query = parse(lookupQuery, req.query, "query");
      const request = query.q !== undefined ? { q: query.q } : { ids: parse(idList, query.ids!.split(",").map((id) => id.trim().toLowerCase()), "query") };
      const items: { id: string }[] = await lookup.find(deps.dataSource, request);
      const ids = items.map((item) => item.id);
      await deps.audit.record(auditInput(req, { action: lookup.action, decision: "allow", status: 200, detail: { count: ids.length, ids } }));
      res.setHeader("Cache-Control", "no-store");
      res.json({ items });
    });
  }
  return routes.router;
}
