import { EntitySchema } from "typeorm";
import { column } from "../db/columns";

export const DEALER_EVENT_TYPES = [
  "consent.granted", "consent.withdrawn", "consent.expired", "customer.erased", "customer.restricted", "grant.revoked",
  "customer.marketing_updated",
] as const;
export type DealerEventType = (typeof DEALER_EVENT_TYPES)[number];

/** A change a dealer must act on, in its consent-events feed. */
export interface DealerEvent {
  seq: string;
  dealerId: string;
  type: DealerEventType;
  customerId: string | null;
  purpose: string | null;
  at: string;
}

export interface DealerEventAck {
  dealerId: string;
  upToSeq: string;
  ackedAt: string;
}

export const DealerEventEntity = new EntitySchema<DealerEvent>({
  name: "DealerEvent",
  tableName: "dealer_events",
  columns: {
    seq: column.seq(),
    dealerId: column.ref("dealer_id"),
    type: column.str("type", 32),
    customerId: column.ref("customer_id", true),
    purpose: column.str("purpose", 64, true),
    at: column.at("at"),
  },
  indices: [{ name: "ix_dealer_events_dealer", columns: ["dealerId", "seq"] }],
});

export const DealerEventAckEntity = new EntitySchema<DealerEventAck>({
  name: "DealerEventAck",
  tableName: "dealer_event_acks",
  columns: {
    dealerId: { ...column.ref("dealer_id"), primary: true },
    upToSeq: { name: "up_to_seq", type: "bigint" },
    ackedAt: column.at("acked_at"),
  },
});
