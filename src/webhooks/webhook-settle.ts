import type { DataSource, EntityManager } from "typeorm";
import type { AuditLog } from "../audit/audit-log";
import { inTransaction } from "../db/transaction";
import type { WebhookAnswer } from "./webhook-http";
import { DealerWebhookEntity, WebhookDeliveryEntity } from "./webhook.entity";

/** One finished attempt, as the dispatcher hands it over to be recorded. */
export interface Attempt {
  deliveryId: string;
  dealerId: string;
  eventId: string;
  /** 1 for the first attempt. */
  number: number;
  answer: WebhookAnswer;
  /** The lease holder; an attempt whose lease another process took over still counts, but does not reschedule. */
  owner: string;
  /** The retry window has passed: a failure now disables the webhook. */
  exhausted: boolean;
  nextAttemptAt: Date;
}

export const isSettled = (answer: WebhookAnswer) => answer.status !== null && answer.status >= 200 && answer.status < 300;

/** What the webhook's status and the console show of a failed attempt: the status or the error, never a body. */
export function failureText(answer: WebhookAnswer): string {
  return (answer.status !== null ? `HTTP ${answer.status}${answer.status >= 300 && answer.status < 400 ? " (redirects are not followed)" : ""}` : answer.error).slice(0, 255);
}

async function recordSuccess(manager: EntityManager, attempt: Attempt, at: string): Promise<void> {
  await manager.createQueryBuilder().update(WebhookDeliveryEntity)
    .set({ status: "delivered", attempts: attempt.number, deliveredAt: at, lastAttemptAt: at, lastStatus: attempt.answer.status, lastError: null, lastResponse: responseOf(attempt.answer), claimedUntil: null, claimedBy: null })
    .where("id = :id AND status = 'pending'", { id: attempt.deliveryId }).execute();
  await manager.createQueryBuilder().update(DealerWebhookEntity)
    .set({ status: "active", lastDeliveryAt: at })
    .where("dealer_id = :dealerId AND status <> 'disabled'", { dealerId: attempt.dealerId }).execute();
}

/** Returns whether this failure disabled the webhook (the retry window ran out, and no other attempt had disabled it first). */
async function recordFailure(manager: EntityManager, attempt: Attempt, at: string): Promise<boolean> {
  const failure = { lastAttemptAt: at, lastStatus: attempt.answer.status, lastError: failureText(attempt.answer), lastResponse: responseOf(attempt.answer) };
  if (attempt.exhausted) {
    const abandoned = await manager.createQueryBuilder().update(WebhookDeliveryEntity)
      .set({ status: "abandoned", attempts: attempt.number, ...failure, claimedUntil: null, claimedBy: null })
      .where("id = :id AND status = 'pending'", { id: attempt.deliveryId }).execute();
    if ((abandoned.affected ?? 0) === 0) return false;
    await disableWebhook(manager, attempt.dealerId, at, failure.lastError);
    return true;
  }
  await manager.createQueryBuilder().update(WebhookDeliveryEntity)
    .set({ attempts: attempt.number, nextAttemptAt: attempt.nextAttemptAt.toISOString(), ...failure, claimedUntil: null, claimedBy: null })
    .where("id = :id AND status = 'pending' AND claimed_by = :owner", { id: attempt.deliveryId, owner: attempt.owner }).execute();
  await manager.createQueryBuilder().update(DealerWebhookEntity)
    .set({ status: "failing", lastFailureAt: at, lastFailure: failure.lastError })
    .where("dealer_id = :dealerId AND status <> 'disabled'", { dealerId: attempt.dealerId }).execute();
  return false;
}

/** After the retry window: the webhook stops, and what it still had to deliver is abandoned; the feed stays the record. */
async function disableWebhook(manager: EntityManager, dealerId: string, at: string, failure: string): Promise<void> {
  await manager.createQueryBuilder().update(DealerWebhookEntity)
    .set({ status: "disabled", disabledAt: at, lastFailureAt: at, lastFailure: failure })
    .where("dealer_id = :dealerId", { dealerId }).execute();
  await manager.createQueryBuilder().update(WebhookDeliveryEntity)
    .set({ status: "abandoned", claimedUntil: null, claimedBy: null })
    .where("dealer_id = :dealerId AND status = 'pending'", { dealerId }).execute();
}

const responseOf = (answer: WebhookAnswer) => (answer.status !== null ? answer.body.slice(0, 512) || null : null);

/**
 * Records an attempt and its `webhook.delivery` audit event in one transaction. If the audit event
 * cannot be written nothing is recorded, the lease runs out, and the event is delivered again.
 */
export async function settleDelivery(deps: { dataSource: DataSource; audit: AuditLog }, attempt: Attempt, now: Date): Promise<{ disabled: boolean }> {
  const at = now.toISOString();
  const settled = isSettled(attempt.answer);
  return inTransaction(deps.dataSource, async (manager) => {
    let disabled = false;
    if (settled) await recordSuccess(manager, attempt, at);
    else disabled = await recordFailure(manager, attempt, at);
    await deps.audit.record({
      actorType: "system", actorId: "webhook-dispatcher", action: "webhook.delivery", dealerId: attempt.dealerId,
      decision: settled ? "allow" : "deny", reason: settled ? null : disabled ? "webhook_disabled" : "delivery_failed",
      status: attempt.answer.status ?? 0, requestId: `webhook-${attempt.deliveryId}-${attempt.number}`, ip: "local",
      detail: { deliveryId: attempt.deliveryId, eventId: attempt.eventId, attempt: attempt.number, ...(settled ? {} : { error: failureText(attempt.answer) }) },
    }, manager);
    return { disabled };
  });
}
