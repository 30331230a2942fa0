import type { ActorType, Decision } from "./audit-event.entity";

/** Every column of `audit_events`, in table order: what queries select and what seals hash. */
export const AUDIT_EVENT_COLUMNS = [
  "seq", "id", "at", "actor_type", "actor_id", "action", "dealer_id", "customer_id", "purpose", "decision", "reason",
  "consent_id", "grant_id", "fields", "status", "request_id", "ip", "detail",
] as const;

export const AUDIT_EVENT_SELECT = AUDIT_EVENT_COLUMNS.join(", ");

/** A row as the drivers return it: seq is a number on SQLite and a string on MySQL; JSON columns are text. */
export interface AuditEventRow {
  seq: number | string;
  id: string;
  at: string;
  actor_type: string;
  actor_id: string;
  action: string;
  dealer_id: string | null;
  customer_id: string | null;
  purpose: string | null;
  decision: string;
  reason: string | null;
  consent_id: string | null;
  grant_id: string | null;
  fields: string | null;
  status: number | string;
  request_id: string;
  ip: string;
  detail: string | null;
  /** Read only where the event's leaf is looked up (the compliance query's rows). */
  batch_id?: string | null;
}

/** The event as the compliance API shows it (contract section 6); absent optionals are omitted. */
export interface PublicAuditEvent {
  id: string;
  at: string;
  actorType: ActorType;
  actorId: string;
  action: string;
  dealerId?: string;
  customerId?: string;
  purpose?: string;
  decision: Decision;
  reason?: string;
  consentId?: string;
  grantId?: string;
  fields?: string[];
  status: number;
  requestId: string;
  ip: string;
  detail?: unknown;
}

/** Stored JSON is parsed; text that is not JSON (only possible if someone edited the table) is shown as it is. */
function parseStoredJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const optional = <K extends string, V>(key: K, value: V | null | undefined): Partial<Record<K, V>> =>
  value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);

export function publicAuditEvent(row: AuditEventRow): PublicAuditEvent {
  return {
    id: row.id,
    at: row.at,
    actorType: row.actor_type as ActorType,
    actorId: row.actor_id,
    action: row.action,
    ...optional("dealerId", row.dealer_id),
    ...optional("customerId", row.customer_id),
    ...optional("purpose", row.purpose),
    decision: row.decision as Decision,
    ...optional("reason", row.reason),
    ...optional("consentId", row.consent_id),
    ...optional("grantId", row.grant_id),
    ...optional("fields", parseStoredJson(row.fields) as string[] | undefined),
    status: Number(row.status),
    requestId: row.request_id,
    ip: row.ip,
    ...optional("detail", parseStoredJson(row.detail)),
  };
}
