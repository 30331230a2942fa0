import type { Request, Router } from "express";
import type { AppDeps } from "../app-deps";
import type { Role } from "../admin-users/admin-user.entity";
import { auditedChange } from "../audit/audited-change";
import { securedRouter } from "../auth/secured-router";
import { findDealer, lockDealer } from "../dealers/dealer-queries";
import { idParam } from "../http/params";
import { problems } from "../http/problem";
import { parse } from "../http/validate";
import { checkWebhookUrl, EgressRefused, hostOf, resolveChecked } from "./egress-guard";
import { findDelivery, findWebhook, pendingDeliveries, recentDeliveries, webhookStatusBody } from "./webhook-queries";
import { DELIVERY_ID, listDeliveriesQuery, putWebhookBody, replayBody } from "./webhook-schemas";
import { newWebhookSecret } from "./webhook-secret";
import { DealerWebhookEntity, WebhookDeliveryEntity, type DealerWebhook } from "./webhook.entity";

const CRM_ADMIN: [Role] = ["crm_admin"];

/** The URL as it will be called, or a 400 saying why it may not be: the delivery-time checks, run now too. */
async function acceptableUrl(deps: AppDeps, raw: string): Promise<string> {
  try {
    const url = checkWebhookUrl(raw, deps.webhooks.allowed);
    await resolveChecked(hostOf(url), deps.webhooks.allowed, deps.webhooks.lookup);
    return url.href;
  } catch (error) {
    if (!(error instanceof EgressRefused)) throw error;
    throw problems.validation(`Invalid body: url: ${error.message}`, [{ path: "url", message: error.message }]);
  }
}

async function requireWebhook(deps: AppDeps, dealerId: string): Promise<DealerWebhook> {
  await findDealer(deps.dataSource.manager, dealerId);
  const webhook = await findWebhook(deps.dataSource.manager, dealerId);
  if (!webhook) throw problems.notFound("This dealer has no webhook");
  return webhook;
}

function deliveryParam(req: Request): string {
  const value = String(req.params.deliveryId);
  if (!DELIVERY_ID.test(value)) throw problems.validation("Path parameter deliveryId must be a delivery id", [{ path: "deliveryId", message: "must be a delivery id" }]);
  return value;
}

/** `crm_admin`: a dealer's webhook (contract section 5), its recent deliveries and the replay of one. */
export function webhookRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);

  routes.put("/v1/admin/dealers/:id/webhook", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    const body = parse(putWebhookBody, req.body ?? {});
    const url = await acceptableUrl(deps, body.url);
    const secret = newWebhookSecret();
    const now = deps.clock().toISOString();
    await auditedChange(deps, req, async (manager) => {
      await lockDealer(manager, dealerId);
      const existing = await findWebhook(manager, dealerId);
      // A new secret replaces the old at once: every later attempt, retries of older events included, is signed with it only.
      const row: DealerWebhook = {
        dealerId, url, secret: deps.webhooks.key.seal(secret), status: "active", createdAt: existing?.createdAt ?? now, updatedAt: now,
        lastDeliveryAt: existing?.lastDeliveryAt ?? null, lastFailureAt: null, lastFailure: null, disabledAt: null,
      };
      if (existing) await manager.update(DealerWebhookEntity, { dealerId }, row);
      else await manager.insert(DealerWebhookEntity, row);
      return existing;
    }, (existing) => ({ action: "webhook.put", dealerId, detail: { replaced: existing !== null, reenabled: existing?.status === "disabled" } }));
    res.json({ url, secret });
  });

  routes.get("/v1/admin/dealers/:id/webhook", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    const webhook = await requireWebhook(deps, dealerId);
    res.json(webhookStatusBody(webhook, await pendingDeliveries(deps.dataSource.manager, dealerId)));
  });

  routes.delete("/v1/admin/dealers/:id/webhook", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    await auditedChange(deps, req, async (manager) => {
      await lockDealer(manager, dealerId);
      if (!(await findWebhook(manager, dealerId))) throw problems.notFound("This dealer has no webhook");
      const dropped = await pendingDeliveries(manager, dealerId);
      await manager.delete(WebhookDeliveryEntity, { dealerId });
      await manager.delete(DealerWebhookEntity, { dealerId });
      return dropped;
    }, (dropped) => ({ action: "webhook.delete", status: 204, dealerId, detail: { droppedPending: dropped } }));
    res.status(204).end();
  });

  routes.get("/v1/admin/dealers/:id/webhook/deliveries", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    const query = parse(listDeliveriesQuery, req.query, "query");
    await requireWebhook(deps, dealerId);
    res.json({ items: await recentDeliveries(deps.dataSource.manager, dealerId, query.limit ?? 50) });
  });

  routes.post("/v1/admin/dealers/:id/webhook/deliveries/:deliveryId/replay", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    const deliveryId = deliveryParam(req);
    parse(replayBody, req.body ?? {});
    const now = deps.clock().toISOString();
    const replayed = await auditedChange(deps, req, async (manager) => {
      await lockDealer(manager, dealerId);
      const webhook = await findWebhook(manager, dealerId);
      if (!webhook) throw problems.notFound("This dealer has no webhook");
      if (webhook.status === "disabled") throw problems.conflict("The webhook is disabled; PUT its URL to enable it again, then replay");
      const delivery = await findDelivery(manager, dealerId, deliveryId);
      if (!delivery) throw problems.notFound("No such delivery for this dealer");
      if (delivery.status === "pending") throw problems.conflict("The delivery is still pending; it is being retried");
      // Queued afresh: the retry window starts again from now.
      await manager.update(WebhookDeliveryEntity, { id: deliveryId }, { status: "pending", nextAttemptAt: now, createdAt: now, claimedUntil: null, claimedBy: null });
      return (await findDelivery(manager, dealerId, deliveryId))!;
    }, (delivery) => ({ action: "webhook.replay", status: 202, dealerId, detail: { deliveryId, eventId: delivery.eventId } }));
    res.status(202).json(replayed);
  });

  return routes.router;
}
