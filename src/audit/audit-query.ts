import type { DataSource } from "typeorm";
import { z } from "zod";
import { isMysql } from "../db/dialect";
import type { Statement } from "../db/direct-pool";
import { encodeCursor } from "../http/cursor";
import { AUDIT_EVENT_SELECT, publicAuditEvent, type AuditEventRow, type PublicAuditEvent } from "./audit-event-rows";
import { filterCondition, type AuditFilters } from "./audit-filters";

/** Audit listings continue from an event's seq. */
export const SEQ_POSITION = z.string().regex(/^\d{1,18}$/);

/**
 * The (column, seq) index that serves a keyset page for the most selective equality filter. MariaDB's
 * optimiser tends to walk the primary key backwards for `ORDER BY seq DESC LIMIT n` and filter as it
 * goes, reading hundreds of thousands of rows per page for a busy dealer; on MySQL the index is forced.
 */
function keysetIndex(filters: AuditFilters): string | undefined {
  if (filters.customerId) return "ix_audit_events_customer";
  if (filters.dealerId) return "ix_audit_events_dealer";
  if (filters.actorId) return "ix_audit_events_actor";
  if (filters.action) return "ix_audit_events_action";
  return undefined;
}

/**
 * The query of one keyset page of events matching the filters, newest first: `seq < before` when
 * continuing. A single indexed query, so deep pages cost the same as the first.
 */
export function auditEventsSql(filters: AuditFilters, page: { before?: number; limit: number }, mysql = false): Statement {
  const where = filterCondition(filters);
  const params = [...where.params];
  const index = mysql ? keysetIndex(filters) : undefined;
  // With each event's write batch, through which an export finds its leaf index.
  let sql = `SELECT ${AUDIT_EVENT_SELECT}, batch_id FROM audit_events${index ? ` FORCE INDEX (${index})` : ""} WHERE ${where.sql}`;
  if (page.before !== undefined) {
    sql += " AND seq < ?";
    params.push(page.before);
  }
  sql += ` ORDER BY seq DESC LIMIT ${Math.trunc(page.limit)}`;
  return { sql, params };
}

export async function auditEventRows(dataSource: DataSource, filters: AuditFilters, page: { before?: number; limit: number }): Promise<AuditEventRow[]> {
  const { sql, params } = auditEventsSql(filters, page, isMysql(dataSource));
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
