import { EntitySchema } from "typeorm";
import { column } from "../db/columns";

export type ActorType = "dealer" | "admin" | "system";
export type Decision = "allow" | "deny";

/** One audited action. Holds ids and field names, never personal data. */
export interface AuditEvent {
  seq: string;
  id: string;
  at: string;
  actorType: ActorType;
  actorId: string;
  action: string;
  dealerId: string | null;
  customerId: string | null;
  purpose: string | null;
  decision: Decision;
  reason: string | null;
  consentId: string | null;
  grantId: string | null;
  fields: string[] | null;
  status: number;
  requestId: string;
  ip: string;
  detail: Record<string, unknown> | null;
  /** The write batch whose signature covers the event (audit_batches); not part of the event itself. */
  batchId: string | null;
}

export const AuditEventEntity = new EntitySchema<AuditEvent>({
  name: "AuditEvent",
  tableName: "audit_events",
  columns: {
    seq: column.seq(),
    id: column.str("id", 36),
    at: column.at("at"),
    actorType: column.str("actor_type", 16),
    actorId: column.str("actor_id", 64),
    action: column.str("action", 64),
    dealerId: column.ref("dealer_id", true),
    customerId: column.ref("customer_id", true),
    purpose: column.str("purpose", 64, true),
    decision: column.str("decision", 8),
    reason: column.str("reason", 64, true),
    consentId: column.ref("consent_id", true),
    grantId: column.ref("grant_id", true),
    fields: column.json("fields", true),
    status: { name: "status", type: "int" },
    requestId: column.str("request_id", 64),
    ip: column.str("ip", 64),
    detail: column.json("detail", true),
    batchId: column.ref("batch_id", true),
  },
  indices: [
    { name: "uq_audit_events_id", columns: ["id"], unique: true },
    { name: "ix_audit_events_customer", columns: ["customerId", "seq"] },
    { name: "ix_audit_events_dealer", columns: ["dealerId", "seq"] },
    { name: "ix_audit_events_actor", columns: ["actorId", "seq"] },
    { name: "ix_audit_events_at", columns: ["at"] },
    { name: "ix_audit_events_action", columns: ["action", "seq"] },
  ],
});
