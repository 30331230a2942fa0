import type { Role } from "../../admin-users/admin-user.entity";
import { z } from "zod";
import {
  DELIVERY_ID, deliveriesSchema, deliverySchema, listDeliveriesQuery, putWebhookBody, replayBody, webhookCreatedSchema, webhookStatusSchema,
} from "../../webhooks/webhook-schemas";
import { adminOperation, errors, type Operation } from "../operation";

const CRM_ADMIN: Role[] = ["crm_admin"];
const MESSAGE = "Each event of the dealer's consent-events feed is POSTed to the URL as a Standard Webhooks 1.0 message (webhook-id = the feed event id, webhook-timestamp, webhook-signature v1 HMAC-SHA256), body { type, timestamp, data: the feed event }, at least once, retried with exponential backoff for WEBHOOK_RETRY_WINDOW_HOURS (at least 24); a 2xx answer settles it, redirects are not followed.";

export const WEBHOOK_OPERATIONS: Operation[] = [
  adminOperation({
    method: "put", path: "/v1/admin/dealers/:id/webhook", tag: "webhooks", roles: CRM_ADMIN, summary: "Set a dealer's webhook (and rotate its secret)",
    description: `${MESSAGE} The URL must be https: and resolve to public addresses only, unless WEBHOOK_ALLOWED_HOSTS names its host (400 otherwise). Every PUT issues a new secret, shown only in this answer, and signs every later attempt with it alone, retries of older events included; a disabled webhook is enabled again. Audited (webhook.put).`,
    body: { schema: putWebhookBody, required: true },
    responses: { 200: { description: "The URL and the new signing secret", schema: webhookCreatedSchema, headers: ["Cache-Control"] } },
    errors: errors(404),
  }),
  adminOperation({
    method: "get", path: "/v1/admin/dealers/:id/webhook", tag: "webhooks", roles: CRM_ADMIN, summary: "A dealer's webhook and its state",
    responses: { 200: { description: "The webhook, without its secret", schema: webhookStatusSchema } }, errors: errors(404),
  }),
  adminOperation({
    method: "delete", path: "/v1/admin/dealers/:id/webhook", tag: "webhooks", roles: CRM_ADMIN, summary: "Remove a dealer's webhook",
    description: "Its pending deliveries are dropped; the consent-events feed is unaffected. Audited (webhook.delete).",
    responses: { 204: { description: "Removed" } }, errors: errors(404),
  }),
  adminOperation({
    method: "get", path: "/v1/admin/dealers/:id/webhook/deliveries", tag: "webhooks", roles: CRM_ADMIN, summary: "A dealer's recent webhook deliveries",
    description: "Newest first, each with its attempts and the receiver's last answer (status and the first 512 characters).",
    query: listDeliveriesQuery,
    responses: { 200: { description: "The deliveries", schema: deliveriesSchema } }, errors: errors(404),
  }),
  adminOperation({
    method: "post", path: "/v1/admin/dealers/:id/webhook/deliveries/:deliveryId/replay", tag: "webhooks", roles: CRM_ADMIN, summary: "Deliver an event again",
    params: { deliveryId: { schema: z.string().regex(DELIVERY_ID), description: "A delivery's id, from the list of deliveries" } },
    description: "Queues a delivered or abandoned delivery again, at once, with a fresh retry window (409 while it is pending, or when the webhook is disabled). Audited (webhook.replay).",
    body: { schema: replayBody, required: false, description: "No input; an empty object is accepted" },
    responses: { 202: { description: "The delivery, pending again", schema: deliverySchema } }, errors: errors(404, 409),
  }),
];
