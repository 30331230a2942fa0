import type { DataSource } from "typeorm";
import { z } from "zod";
import { encodeCursor } from "../http/cursor";
import { AUDIT_EVENT_SELECT, publicAuditEvent, type AuditEventRow, type PublicAuditEvent } from "./audit-event-rows";
import { filterCondition, type AuditFilters } from "./audit-filters";

/**
 * The query of one keyset page of events matching the filters, newest first: `seq < before` when
 * continuing. A single indexed query, so deep pages cost the same as the first.
 */
/** Audit listings continue from an event's seq. */
export const SEQ_POSITION = z.string().regex(/^\d{1,18}$/);

export function auditEventsSql(filters: AuditFilters, page: { before?: number; limit: number }): { sql: string; params: unknown[] } {
  const where = filterCondition(filters);
  const params = [...where.params];
  let sql = `SELECT ${AUDIT_EVENT_SELECT} FROM audit_events WHERE ${where.sql}`;
  if (page.before !== undefined) {
    sql += " AND seq < ?";
    params.push(page.before);
  }
  sql += ` ORDER BY seq DESC LIMIT ${Math.trunc(page.limit)}`;
  return { sql, params };
}

export async function auditEventRows(dataSource: DataSource, filters: AuditFilters, page: { before?: number; limit: number }): Promise<AuditEventRow[]> {
  const { sql, params } = auditEventsSql(filters, page);
  return dataSource.query(sql, params);
}

export interface AuditEventsPage {
  items: PublicAuditEvent[];
  nextCursor: string | null;
}

/** `GET /v1/audit/events`: one page, newest first, and the cursor of the next, null on the last page. */
export async function auditEventsPage(dataSource: DataSource, filters: AuditFilters, page: { before?: number; limit: number }): Promise<AuditEventsPage> {
  const rows = await auditEventRows(dataSource, filters, { before: page.before, limit: page.limit + 1 });
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  return {
    items: shown.map(publicAuditEvent),
    nextCursor: more ? encodeCursor(String(shown[shown.length - 1]!.seq), filters) : null,
  };
}
