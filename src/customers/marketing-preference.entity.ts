import { EntitySchema } from "typeorm";
import { column } from "../db/columns";

export const MARKETING_CHANNELS = ["email", "phone", "post", "sms"] as const;
export type MarketingChannel = (typeof MARKETING_CHANNELS)[number];

/** One channel set on or off for a customer (policy P8): who recorded it, when, and on what evidence. */
export interface MarketingPreferenceChange {
  seq: string;
  customerId: string;
  channel: MarketingChannel;
  optedIn: boolean;
  recordedAt: string;
  actorType: "dealer" | "admin";
  /** The dealer's client id or the admin user's id. */
  actorId: string;
  dealerId: string | null;
  evidenceRef: string | null;
}

export const MarketingPreferenceChangeEntity = new EntitySchema<MarketingPreferenceChange>({
  name: "MarketingPreferenceChange",
  tableName: "marketing_preference_history",
  columns: {
    seq: column.seq(),
    customerId: column.ref("customer_id"),
    channel: column.str("channel", 8),
    optedIn: { ...column.flag("opted_in"), default: undefined },
    recordedAt: column.at("recorded_at"),
    actorType: column.str("actor_type", 16),
    actorId: column.str("actor_id", 64),
    dealerId: column.ref("dealer_id", true),
    evidenceRef: column.str("evidence_ref", 255, true),
  },
  indices: [{ name: "ix_marketing_preference_history_customer", columns: ["customerId", "seq"] }],
});
