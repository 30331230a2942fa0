import { Router } from "express";
import type { EntityManager } from "typeorm";
import { z } from "zod";
import type { AppDeps } from "../app-deps";
import { DealerEventAckEntity } from "../consents/dealer-event.entity";
import { isUniqueViolation } from "../db/db-errors";
import { VALID_PURPOSES_HINT } from "../purposes/policy-purposes";
import { problems } from "../http/problem";
import { dealerActor } from "../http/request-context";
import { parse } from "../http/validate";
import { feedEvent, type FeedEventRow } from "../webhooks/webhook-message";
import { auditedRoute, type Outcome } from "./audited-outcome";
import { requestedPurpose } from "./access-inputs";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { cursorParam, DEFAULT_PAGE_SIZE, limitParam } from "./page-params";

/** Event ids are the feed's sequence numbers, kept within what a JSON number holds exactly. */
const EVENT_ID = /^[1-9]\d{0,14}$/;
const isEventId = (value: string) => EVENT_ID.test(value);

/** `purpose` is accepted because every dealer call may name one; the feed covers all purposes regardless. */
export const feedQuery = z.strictObject({ purpose: z.string().optional(), cursor: cursorParam, limit: limitParam });
export const ackBody = z.strictObject({ upTo: z.string().regex(EVENT_ID, "must be the id of an event of your feed") });

async function ackedUpTo(manager: EntityManager, dealerId: string): Promise<number> {
  const rows: { up_to_seq: string | number }[] = await manager.query("SELECT up_to_seq FROM dealer_event_acks WHERE dealer_id = ?", [dealerId]);
  return rows[0] ? Number(rows[0].up_to_seq) : 0;
}

/**
 * Moves the dealer's acknowledgement forward to `upTo`. Returns false when it already stands further on;
 * the conditional update keeps that true when two gateway processes acknowledge at once.
 */
async function advanceAck(manager: EntityManager, dealerId: string, upTo: number, at: string): Promise<boolean> {
  const advance = () =>
    manager.createQueryBuilder().update(DealerEventAckEntity).set({ upToSeq: String(upTo), ackedAt: at })
      .where("dealer_id = :dealerId AND up_to_seq <= :upTo", { dealerId, upTo }).execute();
  if (((await advance()).affected ?? 0) > 0) return true;
  if ((await ackedUpTo(manager, dealerId)) > 0) return false;
  try {
    await manager.createQueryBuilder().insert().into(DealerEventAckEntity).values({ dealerId, upToSeq: String(upTo), ackedAt: at }).execute();
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return ((await advance()).affected ?? 0) > 0;
  }
}

/**
 * `GET /v1/consent-events`: without a cursor the feed starts after the dealer's last acknowledgement,
 * so "poll, purge, acknowledge, poll" only ever shows what is still to act on. `nextCursor` is null
 * once the feed is exhausted. `POST /v1/consent-events/ack` moves the acknowledgement forward; an id
 * behind the current one is a 409, the same id again is accepted.
 */
export function consentEventRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get("/v1/consent-events", deps.authenticateDealer, auditedRoute(deps, "consent_events.read", async (req): Promise<Outcome> => {
    const query = parse(feedQuery, req.query, "query");
    if (query.purpose !== undefined && !(await requestedPurpose(deps, query.purpose))) {
      throw problems.invalidPurpose(`${VALID_PURPOSES_HINT}, or leave purpose out.`);
    }
    const { dealerId } = dealerActor(req);
    const after = query.cursor ? Number(decodeCursor(query.cursor, z.string().refine(isEventId), "consent-events")) : await ackedUpTo(deps.dataSource.manager, dealerId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows: FeedEventRow[] = await deps.dataSource.query(
      "SELECT seq, type, customer_id, purpose, at FROM dealer_events WHERE dealer_id = ? AND seq > ? ORDER BY seq LIMIT ?",
      [dealerId, after, limit + 1],
    );
    const items = rows.slice(0, limit).map(feedEvent);
    const last = items.at(-1);
    return {
      body: { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id, "consent-events") : null },
      facts: { detail: { count: items.length, fromEventId: items[0]?.id ?? null, toEventId: last?.id ?? null } },
    };
  }));

  router.post("/v1/consent-events/ack", deps.authenticateDealer, auditedRoute(deps, "consent_events.ack", async (req, manager): Promise<Outcome> => {
    const { upTo } = parse(ackBody, req.body ?? {});
    const { dealerId } = dealerActor(req);
    const facts = { detail: { upTo } };
    const own: unknown[] = await manager.query("SELECT seq FROM dealer_events WHERE seq = ? AND dealer_id = ?", [Number(upTo), dealerId]);
    if (own.length === 0) {
      const problem = problems.validation("upTo is not the id of an event of your feed", [{ path: "upTo", message: "unknown event" }]);
      return { problem, facts: { ...facts, reason: "event_unknown" } };
    }
    const at = deps.clock().toISOString();
    if (!(await advanceAck(manager, dealerId, Number(upTo), at))) {
      return { problem: problems.conflict("A later event is already acknowledged; acknowledgements only move forward"), facts: { ...facts, reason: "ack_behind" } };
    }
    return { body: { upTo, ackedAt: at }, facts };
  }, { transaction: true }));

  return router;
}
