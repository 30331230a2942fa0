import { EntitySchema } from "typeorm";
import { column } from "../db/columns";

export const WEBHOOK_STATUSES = ["active", "failing", "disabled"] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export const DELIVERY_STATUSES = ["pending", "delivered", "abandoned"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A dealer's webhook: where its feed events are POSTed, and the secret (encrypted at rest) that signs them. */
export interface DealerWebhook {
  dealerId: string;
  url: string;
  /** The `whsec_` secret, sealed with the gateway's webhook key (webhook-secret.ts). */
  secret: string;
  status: WebhookStatus;
  createdAt: string;
  updatedAt: string;
  lastDeliveryAt: string | null;
  lastFailureAt: string | null;
  lastFailure: string | null;
  disabledAt: string | null;
}

/** One feed event in the outbox: queued with the event, claimed by a lease, settled by a 2xx or abandoned after the retry window. */
export interface WebhookDelivery {
  id: string;
  dealerId: string;
  eventSeq: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  claimedUntil: string | null;
  claimedBy: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  lastResponse: string | null;
}

export const DealerWebhookEntity = new EntitySchema<DealerWebhook>({
  name: "DealerWebhook",
  tableName: "dealer_webhooks",
  columns: {
    dealerId: { ...column.ref("dealer_id"), primary: true },
    url: column.str("url", 2048),
    secret: { ...column.text("secret"), select: false },
    status: column.str("status", 16),
    createdAt: column.at("created_at"),
    updatedAt: column.at("updated_at"),
    lastDeliveryAt: column.at("last_delivery_at", true),
    lastFailureAt: column.at("last_failure_at", true),
    lastFailure: column.str("last_failure", 255, true),
    disabledAt: column.at("disabled_at", true),
  },
  foreignKeys: [{ target: "Dealer", columnNames: ["dealerId"], referencedColumnNames: ["id"], onDelete: "RESTRICT" }],
});

export const WebhookDeliveryEntity = new EntitySchema<WebhookDelivery>({
  name: "WebhookDelivery",
  tableName: "webhook_deliveries",
  columns: {
    id: { name: "id", type: "bigint", primary: true, generated: "increment" },
    dealerId: column.ref("dealer_id"),
    eventSeq: { name: "event_seq", type: "bigint" },
    status: column.str("status", 16),
    attempts: { name: "attempts", type: "int" },
    nextAttemptAt: column.at("next_attempt_at"),
    claimedUntil: column.at("claimed_until", true),
    claimedBy: column.ref("claimed_by", true),
    createdAt: column.at("created_at"),
    lastAttemptAt: column.at("last_attempt_at", true),
    deliveredAt: column.at("delivered_at", true),
    lastStatus: { name: "last_status", type: "int", nullable: true },
    lastError: column.str("last_error", 255, true),
    lastResponse: column.str("last_response", 512, true),
  },
  indices: [
    { name: "ix_webhook_deliveries_due", columns: ["status", "nextAttemptAt"] },
    { name: "ix_webhook_deliveries_dealer", columns: ["dealerId", "id"] },
  ],
});
