import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { AuditLog } from "../audit/audit-log";
import { isLostConflict } from "../db/db-errors";
import type { WebhookMetrics } from "../ops/metrics";
import type { AllowedHosts, Lookup } from "./egress-guard";
import { postWebhook, type WebhookAnswer } from "./webhook-http";
import { webhookMessage, type FeedEventRow } from "./webhook-message";
import { retryDelayMs } from "./webhook-retry";
import type { WebhookKey } from "./webhook-secret";
import { isSettled, settleDelivery, type Attempt } from "./webhook-settle";
import { WebhookDeliveryEntity } from "./webhook.entity";

export interface DispatcherDeps {
  dataSource: DataSource;
  audit: AuditLog;
  /** Schedules retries and leases; the `webhook-timestamp` header is the wall clock (see webhookMessage). */
  clock: () => Date;
  logger: Logger;
  key: WebhookKey;
  metrics: WebhookMetrics;
  allowed: AllowedHosts;
  lookup: Lookup;
  timeoutMs: number;
  perDealer: number;
  retryWindowMs: number;
}

export interface WebhookDispatcher {
  stop(): Promise<void>;
}

/** Deliveries looked at per round; more wait for the next round. */
const ROUND_SIZE = 100;
const QUEUE_DEPTH_EVERY_MS = 1000;
/** Settled and abandoned deliveries are kept this long for the console, then pruned; the audit log keeps every attempt. */
export const KEEP_FINISHED_DELIVERIES_MS = 30 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;

interface DueRow { id: string | number; dealer_id: string }
interface DeliveryRow extends FeedEventRow { id: string | number; dealer_id: string; attempts: number; created_at: string; url: string; secret: string }

/**
 * Delivers the outbox from this process. Any number of processes may run one: each delivery is claimed
 * by one conditional UPDATE of its lease (`claimed_until`), which on a Galera cluster also lets only
 * one of two racing nodes commit, so in the normal case each event goes out once. A process that dies
 * mid-delivery leaves a lease that runs out, and another process delivers again: at least once.
 */
export function startWebhookDispatcher(deps: DispatcherDeps, intervalMs: number): WebhookDispatcher {
  if (intervalMs <= 0) return { stop: async () => undefined };
  const owner = randomUUID();
  // Long enough for an attempt and its settling; a process that died frees its deliveries after this.
  const leaseMs = 2 * deps.timeoutMs + 5_000;
  const inFlight = new Map<string, number>();
  const running = new Set<Promise<void>>();
  const aborter = new AbortController();
  let busy = false;
  let current: Promise<void> = Promise.resolve();
  let depthAt = 0;
  let prunedAt = 0;

  async function claim(id: string, now: Date): Promise<boolean> {
    try {
      const result = await deps.dataSource.createQueryBuilder().update(WebhookDeliveryEntity)
        .set({ claimedUntil: new Date(now.getTime() + leaseMs).toISOString(), claimedBy: owner })
        .where("id = :id AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < :now)", { id, now: now.toISOString() })
        .execute();
      return (result.affected ?? 0) === 1;
    } catch (error) {
      // Two nodes of a Galera cluster claiming at once: certification fails the loser's write.
      if (isLostConflict(error)) return false;
      throw error;
    }
  }

  async function deliver(id: string): Promise<void> {
    const rows: DeliveryRow[] = await deps.dataSource.query(
      `SELECT d.id, d.dealer_id, d.attempts, d.created_at, e.seq, e.type, e.customer_id, e.purpose, e.at, w.url, w.secret
         FROM webhook_deliveries d JOIN dealer_events e ON e.seq = d.event_seq JOIN dealer_webhooks w ON w.dealer_id = d.dealer_id
        WHERE d.id = ? AND d.claimed_by = ?`, [id, owner],
    );
    const row = rows[0];
    if (!row) return;
    let answer: WebhookAnswer;
    try {
      // The secret is read at each attempt: after a rotation, retries of older events carry the new signature only.
      const message = webhookMessage(row, deps.key.open(row.secret), new Date());
      answer = await postWebhook({
        url: row.url, headers: message.headers, body: message.body, timeoutMs: deps.timeoutMs, allowed: deps.allowed, lookup: deps.lookup, signal: aborter.signal,
      });
    } catch (error) {
      answer = { status: null, error: `not sent: ${(error as Error).message}` };
    }
    // Stopping mid-attempt: the lease runs out and another process (or this one, restarted) tries again.
    if (aborter.signal.aborted) return;
    const now = deps.clock();
    const attempt: Attempt = {
      deliveryId: String(row.id), dealerId: row.dealer_id, eventId: String(row.seq), number: row.attempts + 1, answer, owner,
      exhausted: now.getTime() - Date.parse(row.created_at) >= deps.retryWindowMs,
      nextAttemptAt: new Date(now.getTime() + retryDelayMs(row.attempts + 1)),
    };
    const { disabled } = await settleDelivery(deps, attempt, now);
    recordMetrics(attempt.answer, disabled, Date.now() - Date.parse(row.at));
  }

  function recordMetrics(answer: WebhookAnswer, disabled: boolean, sinceEventMs: number): void {
    if (isSettled(answer)) {
      deps.metrics.attempts.inc({ outcome: "delivered" });
      deps.metrics.latency.observe(Math.max(0, sinceEventMs) / 1000);
      return;
    }
    deps.metrics.attempts.inc({ outcome: "failed" });
    const reason = answer.status !== null ? "status" : answer.error.startsWith("refused") ? "refused" : answer.error.startsWith("no answer") ? "timeout" : "connection";
    deps.metrics.failures.inc({ reason });
    if (disabled) deps.metrics.failures.inc({ reason: "disabled" });
  }

  async function updateQueueDepth(): Promise<void> {
    if (Date.now() - depthAt < QUEUE_DEPTH_EVERY_MS) return;
    depthAt = Date.now();
    const rows: { n: number | string }[] = await deps.dataSource.query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'");
    deps.metrics.queueDepth.set(Number(rows[0]?.n ?? 0));
  }

  async function pruneFinished(now: Date): Promise<void> {
    if (now.getTime() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now.getTime();
    await deps.dataSource.query("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ?", [new Date(now.getTime() - KEEP_FINISHED_DELIVERIES_MS).toISOString()]);
  }

  async function round(): Promise<void> {
    const now = deps.clock();
    await updateQueueDepth();
    await pruneFinished(now);
    const due: DueRow[] = await deps.dataSource.query(
      `SELECT d.id, d.dealer_id FROM webhook_deliveries d JOIN dealer_webhooks w ON w.dealer_id = d.dealer_id
        WHERE d.status = 'pending' AND w.status <> 'disabled' AND d.next_attempt_at <= ? AND (d.claimed_until IS NULL OR d.claimed_until < ?)
        ORDER BY d.next_attempt_at, d.id LIMIT ${ROUND_SIZE}`,
      [now.toISOString(), now.toISOString()],
    );
    for (const candidate of due) {
      if (aborter.signal.aborted) return;
      const dealer = candidate.dealer_id;
      if ((inFlight.get(dealer) ?? 0) >= deps.perDealer) continue;
      const id = String(candidate.id);
      if (!(await claim(id, now))) continue;
      inFlight.set(dealer, (inFlight.get(dealer) ?? 0) + 1);
      const work = deliver(id)
        .catch((error: unknown) => deps.logger.warn({ err: error, deliveryId: id }, "webhook delivery could not be settled; it is retried when its lease runs out"))
        .finally(() => {
          inFlight.set(dealer, (inFlight.get(dealer) ?? 1) - 1);
          running.delete(work);
        });
      running.add(work);
    }
  }

  const tick = () => {
    if (busy || aborter.signal.aborted || !deps.dataSource.isInitialized) return;
    busy = true;
    current = round()
      .catch((error: unknown) => deps.logger.warn({ err: error }, "webhook round failed; retried on the next"))
      .finally(() => (busy = false));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      aborter.abort();
      await current;
      await Promise.allSettled([...running]);
    },
  };
}
