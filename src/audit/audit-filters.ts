import { z } from "zod";
import { instant } from "../http/dates";
import { parse } from "../http/validate";

const uuid = z.uuid("must be a UUID").transform((value) => value.toLowerCase());
/** `limit` as it arrives in a query string: digits only, 1 to `max`. */
export const pageLimit = (max: number, fallback: number) =>
  z.string().regex(/^\d{1,6}$/, "must be a whole number").transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(max, `must be at most ${max}`)).default(fallback);

const filterFields = {
  customerId: uuid.optional(),
  dealerId: uuid.optional(),
  actorId: z.string().regex(/^[A-Za-z0-9_.:@-]{1,64}$/, "must be an actor id (1-64 letters, digits or _ . : @ -)").optional(),
  purpose: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must be a purpose id").optional(),
  action: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/, "must be an action name such as customer.read").optional(),
  decision: z.enum(["allow", "deny"]).optional(),
  // Normalised to the stored fixed-width UTC form, so strings compare as times.
  from: instant.optional(),
  to: instant.optional(),
};

const fromBeforeTo = (query: { from?: string; to?: string }) => !query.from || !query.to || query.from < query.to;
const fromBeforeToIssue = { message: "from must be before to", path: ["to"] };

export const cursorParam = z.string().min(1).max(512).optional();
export const eventsQuerySchema = z.strictObject({ ...filterFields, cursor: cursorParam, limit: pageLimit(500, 50) }).refine(fromBeforeTo, fromBeforeToIssue);
const filtersSchema = z.strictObject({ ...filterFields }).refine(fromBeforeTo, fromBeforeToIssue);
/**
 * `proofs=1` adds each event's inclusion proof in the tree of `treeSize` leaves (default: the latest
 * checkpoint's); `delimiter` chooses the CSV export's separator (default: by Accept-Language).
 */
const exportFields = {
  proofs: z.enum(["0", "1"], "must be 0 or 1").optional().describe("Export only (NDJSON): 1 adds each event's inclusion proof"),
  treeSize: z.string().regex(/^\d{1,15}$/, "must be a whole number").transform(Number).optional()
    .describe("Export only, with proofs=1: prove against the tree of this size (default: the latest checkpoint's)"),
  delimiter: z.enum(["comma", "semicolon"], "must be comma or semicolon").optional()
    .describe("CSV export only: the cell separator. Default: semicolon when the first language of Accept-Language is one whose Excel lists with `;` (nl, fr, de, it, es, pt, da, sv, fi, nb, pl, cs, ...), else comma"),
};
export const exportQuerySchema = z.strictObject({ ...filterFields, ...exportFields }).refine(fromBeforeTo, fromBeforeToIssue);
/** What the OpenAPI document names for the one URL: a page's parameters, and an export's. */
export const eventsOrExportQuerySchema = z.strictObject({ ...filterFields, cursor: cursorParam, limit: pageLimit(500, 50), ...exportFields });

export type AuditFilters = z.output<typeof filtersSchema>;
export type ExportQuery = z.output<typeof exportQuerySchema>;
export type AuditEventsQuery = z.output<typeof eventsQuerySchema>;

/** `from` is inclusive, `to` exclusive. */
export function parseEventsQuery(query: unknown): AuditEventsQuery {
  return parse(eventsQuerySchema, query, "query");
}

/** An export has no cursor or limit: it is the whole filtered result. */
export function parseExportQuery(query: unknown): ExportQuery {
  return parse(exportQuerySchema, query, "query");
}

/** Only the filters, without paging, in a fixed key order: what the audit event records and the cursor is bound to. */
export function filtersOf(query: AuditFilters): AuditFilters {
  const keys = ["customerId", "dealerId", "actorId", "purpose", "action", "decision", "from", "to"] as const;
  const filters: Record<string, string> = {};
  for (const key of keys) if (query[key] !== undefined) filters[key] = query[key];
  return filters as AuditFilters;
}

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** The WHERE clause for the filters, every value bound as a parameter. */
export function filterCondition(filters: AuditFilters): SqlCondition {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    clauses.push(`${column} = ?`);
    params.push(value);
  };
  equal("customer_id", filters.customerId);
  equal("dealer_id", filters.dealerId);
  equal("actor_id", filters.actorId);
  equal("purpose", filters.purpose);
  equal("action", filters.action);
  equal("decision", filters.decision);
  if (filters.from) {
    clauses.push("at >= ?");
    params.push(filters.from);
  }
  if (filters.to) {
    clauses.push("at < ?");
    params.push(filters.to);
  }
  return { sql: clauses.length > 0 ? clauses.join(" AND ") : "1 = 1", params };
}
