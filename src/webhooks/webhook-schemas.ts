import { z } from "zod";
import { DELIVERY_STATUSES, WEBHOOK_STATUSES } from "./webhook.entity";

const at = z.string().describe("UTC date-time, ISO 8601, millisecond precision");

export const putWebhookBody = z.strictObject({
  url: z.string().min(1).max(2048).describe("Where the dealer's feed events are POSTed: https:, a public address (WEBHOOK_ALLOWED_HOSTS names exceptions)"),
});

export const listDeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional().describe("At most this many, newest first (default 50)"),
});

/** Outbox row ids: decimal, within what a JSON number holds exactly. */
export const DELIVERY_ID = /^[1-9]\d{0,14}$/;

export const replayBody = z.strictObject({});

export const webhookCreatedSchema = z.strictObject({
  url: z.string(),
  secret: z.string().describe("whsec_ + base64: the signing secret, shown only in this answer; a new PUT replaces it at once"),
});

export const webhookStatusSchema = z.strictObject({
  url: z.string(),
  status: z.enum(WEBHOOK_STATUSES).describe("active: the last attempt succeeded (or none yet); failing: retrying; disabled: retries ran out, a PUT enables it again"),
  lastDeliveryAt: at.optional(),
  lastFailure: z.strictObject({ at, error: z.string().describe("The receiver's status (HTTP 500) or why there was no answer") }).optional(),
  pending: z.number().int().describe("Deliveries waiting to be made or retried"),
});

export const deliverySchema = z.strictObject({
  id: z.string(),
  eventId: z.string().describe("The feed event's id, sent as webhook-id"),
  type: z.string(),
  status: z.enum(DELIVERY_STATUSES).describe("pending (queued or retrying), delivered (a 2xx answer), abandoned (the retry window ran out or the webhook was disabled)"),
  attempts: z.number().int(),
  queuedAt: at,
  nextAttemptAt: at.optional().describe("For a pending delivery"),
  lastAttemptAt: at.optional(),
  deliveredAt: at.optional(),
  lastStatus: z.number().int().optional().describe("The HTTP status of the last answer"),
  lastError: z.string().optional(),
  lastResponse: z.string().optional().describe("The start of the receiver's last answer, at most 512 characters"),
});

export const deliveriesSchema = z.strictObject({ items: z.array(deliverySchema) });
