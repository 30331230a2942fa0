import { randomUUID } from "node:crypto";
import { Router, type Request } from "express";
import type { EntityManager } from "typeorm";
import type { z } from "zod";
import type { AppDeps } from "../app-deps";
import { dealersConsentedBy, emitDealerEvents } from "../consents/dealer-events";
import type { CustomerData } from "../customers/customer-fields";
import { recordPreferenceChanges } from "../customers/marketing-preferences";
import { marketingPreferencesBody, purchaseBody, warrantyBody } from "../customers/point-of-sale-input";
import { addPurchase, addWarranty, setMarketingPreferences, type RecordChange } from "../customers/point-of-sale-records";
import { lastActivityOf } from "../customers/customer-records";
import { CustomerEntity } from "../customers/customer.entity";
import { isMysql } from "../db/dialect";
import { problems } from "../http/problem";
import { dealerActor } from "../http/request-context";
import { parse } from "../http/validate";
import { decideAccess } from "../policy/decide-access";
import { loadAccessInputs, requestedPurpose } from "./access-inputs";
import { auditedRoute, denialProblem, type Outcome } from "./audited-outcome";
import { claimIdempotencyKey, releaseIdempotencyKey, requestHashOf, storeIdempotentResult, type IdempotencySlot } from "./idempotency";
import { idempotencyKeyHeader, MAX_WRITE_BODY_BYTES, writeQuery } from "./point-of-sale-schemas";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface WriteContext {
  manager: EntityManager;
  req: Request;
  customerId: string;
  record: CustomerData;
  now: Date;
}

interface Applied<T> {
  change: RecordChange<T>;
  /** Whatever else the change writes (history, feed events), once the record is saved. */
  after?: (ctx: WriteContext) => Promise<Record<string, unknown>>;
}

interface WriteRoute<S extends z.ZodType, T> {
  action: string;
  /** The field of the record the route writes; the audit event names it. */
  field: "purchases" | "warranties" | "marketingPreferences";
  body: S;
  status: 200 | 201;
  apply: (ctx: WriteContext, body: z.output<S>) => Promise<Applied<T>>;
}

function idempotencyKeyOf(req: Request): string {
  const result = idempotencyKeyHeader.safeParse(req.get("idempotency-key"));
  if (result.success) return result.data;
  throw problems.validation("The Idempotency-Key header is required: 1 to 128 visible ASCII characters, new for each new write", [
    { path: "Idempotency-Key", message: req.get("idempotency-key") === undefined ? "is missing" : "must be 1 to 128 visible ASCII characters" },
  ]);
}

function bodyOf(req: Request): unknown {
  const size = Buffer.byteLength(JSON.stringify(req.body ?? {}));
  if (size > MAX_WRITE_BODY_BYTES) throw problems.tooLarge(`A point-of-sale write body holds at most ${MAX_WRITE_BODY_BYTES} bytes`);
  return req.body ?? {};
}

/** The customer row, locked on MySQL until the write commits, so writes to one customer and its restriction or erasure apply one after the other. */
async function lockCustomer(manager: EntityManager, customerId: string): Promise<{ created_at: string } | undefined> {
  const rows: { created_at: string }[] = await manager.query(`SELECT created_at FROM customers WHERE id = ?${isMysql(manager.connection) ? " FOR UPDATE" : ""}`, [customerId]);
  return rows[0];
}

/**
 * One point-of-sale write (contract 4.1), in one transaction with its audit event: the input, then
 * the same decision as a read plus the write permission, then the Idempotency-Key, then the change.
 * Every refusal leaves nothing written; a replay writes nothing but its audit event.
 */
function writeRoute<S extends z.ZodType, T>(deps: AppDeps, route: WriteRoute<S, T>) {
  return auditedRoute(deps, route.action, async (req, manager): Promise<Outcome> => {
    parse(writeQuery, req.query, "query");
    const key = idempotencyKeyOf(req);
    const rawBody = bodyOf(req);
    const body = parse(route.body, rawBody);
    const actor = dealerActor(req);
    const purpose = await requestedPurpose(deps, req.query.purpose);
    const now = deps.clock();
    const rawId = String(req.params.id);
    const wellFormed = UUID.test(rawId);
    const customerId = rawId.toLowerCase();
    const locked = wellFormed ? await lockCustomer(manager, customerId) : undefined;
    // A malformed id still runs the same query, so its 404 costs what any other 404 costs.
    const inputs = await loadAccessInputs(deps.dataSource, { dealerId: actor.dealerId, clientId: actor.id, purposeId: purpose?.id ?? "", customer: { by: "id", value: customerId } }, manager);
    const match = wellFormed ? inputs.customers.find((entry) => entry.id === customerId) : undefined;
    const decision = decideAccess({
      now: now.toISOString(), purpose, tokenScopes: actor.scopes, ...inputs.dealerSide, customer: match?.customer ?? null, consents: match?.consents ?? [], intent: "write",
    });
    const facts = { purpose: purpose?.id ?? null, customerId: wellFormed ? customerId : null, ...(wellFormed ? {} : { detail: { customerIdMalformed: true } }) };
    if (!decision.allow) return { problem: denialProblem(decision), facts: { ...facts, reason: decision.reason } };
    const allowed = { ...facts, consentId: decision.consentId, grantId: decision.grantId };

    const slot: IdempotencySlot = { dealerId: actor.dealerId, key, customerId, requestHash: requestHashOf({ action: route.action, customerId, purpose: req.query.purpose, body: rawBody }) };
    const claim = await claimIdempotencyKey(manager, slot, now);
    if ("reused" in claim) return { problem: problems.idempotencyKeyReused(), facts: { ...allowed, reason: "idempotency_key_reused" } };
    if ("replay" in claim) {
      return { body: claim.replay.body, status: claim.replay.status, headers: { "Idempotent-Replayed": "true" }, facts: { ...allowed, fields: [], detail: { replayed: true } } };
    }

    const ctx: WriteContext = { manager, req, customerId, record: JSON.parse(match!.profile!) as CustomerData, now };
    const { change, after } = await route.apply(ctx, body);
    if ("problem" in change) {
      await releaseIdempotencyKey(manager, slot);
      return { problem: change.problem, facts: { ...allowed, reason: change.problem.code } };
    }
    await manager.update(CustomerEntity, { id: customerId }, {
      profile: change.record, lastActivityAt: lastActivityOf(change.record, locked!.created_at, now), updatedAt: now.toISOString(),
    });
    const detail = after ? await after({ ...ctx, record: change.record }) : {};
    await storeIdempotentResult(manager, slot, route.status, change.stored);
    return { body: change.stored, status: route.status, facts: { ...allowed, fields: [route.field], detail: { changedFields: change.changedFields, ...detail } } };
  }, { transaction: true });
}

/** Registering at the point of sale (contract 4.1): purchases, warranties and marketing preferences, under record_accuracy only. */
export function pointOfSaleRoutes(deps: AppDeps): Router {
  const router = Router();

  router.post("/v1/customers/:id/purchases", deps.authenticateDealerToken, writeRoute(deps, {
    action: "customer.purchase.record", field: "purchases", body: purchaseBody, status: 201,
    apply: async ({ manager, req, record }, body) => {
      const rows: { name: string }[] = await manager.query("SELECT name FROM dealers WHERE id = ?", [dealerActor(req).dealerId]);
      const change = addPurchase(record, body, rows[0]!.name, randomUUID());
      return { change, after: async () => ("problem" in change ? {} : { purchaseId: change.stored.id }) };
    },
  }));

  router.post("/v1/customers/:id/warranties", deps.authenticateDealerToken, writeRoute(deps, {
    action: "customer.warranty.record", field: "warranties", body: warrantyBody, status: 201,
    apply: async ({ record }, body) => ({ change: addWarranty(record, body) }),
  }));

  router.put("/v1/customers/:id/marketing-preferences", deps.authenticateDealerToken, writeRoute(deps, {
    action: "customer.marketing.update", field: "marketingPreferences", body: marketingPreferencesBody, status: 200,
    apply: async (_ctx, body) => {
      const change = setMarketingPreferences(_ctx.record, body);
      const after = async ({ manager, req, customerId, now }: WriteContext) => {
        const changes = "changes" in change ? change.changes ?? [] : [];
        const actor = dealerActor(req);
        await recordPreferenceChanges(manager, customerId, changes, { actorType: "dealer", actorId: actor.id, dealerId: actor.dealerId, evidenceRef: body.evidenceRef ?? null }, now);
        if (!changes.some((entry) => !entry.optedIn)) return {};
        // Policy P8: every dealer the customer consented to learns of the opt-out, so that none keeps marketing to them.
        const dealerIds = await dealersConsentedBy(manager, customerId);
        await emitDealerEvents(manager, dealerIds.map((dealerId) => ({ dealerId, type: "customer.marketing_updated" as const, customerId })), now);
        return { notifiedDealerIds: dealerIds };
      };
      return { change, after };
    },
  }));

  return router;
}
