import { randomUUID } from "node:crypto";
import { In, IsNull, type EntityManager } from "typeorm";
import { CustomerEntity } from "../customers/customer.entity";
import { isMysql } from "../db/dialect";
import { DealerEntity } from "../dealers/dealer.entity";
import { problems } from "../http/problem";
import { ConsentEntity, ConsentHistoryEntity, ConsentPurposeEntity, type Consent, type ConsentChannel, type ConsentHistoryEntry } from "./consent.entity";
import { purposeStatus } from "./consent-representation";
import { emitDealerEvents } from "./dealer-events";

export interface ConsentActor {
  type: "admin" | "system";
  id: string;
}

export interface NewConsent {
  customerId: string;
  dealerId: string;
  purposes: string[];
  channel: ConsentChannel;
  evidenceRef: string;
  policyVersion: string;
  expiresAt: string | null;
}

/**
 * Locks the row a change hangs off, so concurrent changes to one customer's consents run one after the
 * other and each reads what the previous one wrote. SQLite runs write transactions one at a time anyway.
 */
function forUpdate(manager: EntityManager): { lock?: { mode: "pessimistic_write" } } {
  return isMysql(manager.connection) ? { lock: { mode: "pessimistic_write" } } : {};
}

async function appendHistory(
  manager: EntityManager,
  entry: Pick<ConsentHistoryEntry, "consentId" | "action" | "purposes" | "reason">,
  actor: ConsentActor,
  at: string,
): Promise<void> {
  await manager.insert(ConsentHistoryEntity, { ...entry, actorType: actor.type, actorId: actor.id, at });
}

/** Sets withdrawn_at only where it is still empty, so two concurrent withdrawals cannot both claim a purpose. */
async function markWithdrawn(manager: EntityManager, consentId: string, purposes: string[], at: string): Promise<string[]> {
  const withdrawn: string[] = [];
  for (const purposeId of purposes) {
    const result = await manager.update(ConsentPurposeEntity, { consentId, purposeId, withdrawnAt: IsNull() }, { withdrawnAt: at });
    if (result.affected === 1) withdrawn.push(purposeId);
  }
  return withdrawn;
}

async function assertConsentableCustomer(manager: EntityManager, customerId: string): Promise<void> {
  const customer = await manager.findOne(CustomerEntity, { where: { id: customerId }, select: { id: true, status: true }, ...forUpdate(manager) });
  if (!customer || customer.status === "erased") throw problems.notFound("No such customer");
}

async function assertDealerExists(manager: EntityManager, dealerId: string): Promise<void> {
  const dealer = await manager.findOne(DealerEntity, { where: { id: dealerId }, select: { id: true } });
  if (!dealer) throw problems.validation("dealerId names no dealer", [{ path: "dealerId", message: "no dealer has this id" }]);
}

/**
 * A fresh consent replaces any still-live one for the same customer, dealer and purpose, so that one
 * withdrawal always ends the dealer's access. The replaced purposes are closed with a history entry
 * saying why; the dealer gets no withdrawal event for them, since its access continues.
 */
async function supersedeLiveConsents(manager: EntityManager, consent: NewConsent, newId: string, actor: ConsentActor, now: Date): Promise<string[]> {
  const live = (await manager.find(ConsentPurposeEntity, {
    where: { customerId: consent.customerId, dealerId: consent.dealerId, purposeId: In(consent.purposes), withdrawnAt: IsNull() },
  })).filter((row) => purposeStatus(row, now) === "active");
  const byConsent = new Map<string, string[]>();
  for (const row of live) byConsent.set(row.consentId, [...(byConsent.get(row.consentId) ?? []), row.purposeId]);
  const at = now.toISOString();
  for (const [consentId, purposes] of byConsent) {
    // Taken in the same order as a withdrawal takes them (consent, then its purposes), so the two cannot deadlock.
    await manager.findOne(ConsentEntity, { where: { id: consentId }, select: { id: true }, ...forUpdate(manager) });
    const closed = await markWithdrawn(manager, consentId, purposes.sort(), at);
    if (closed.length > 0) await appendHistory(manager, { consentId, action: "withdrawn", purposes: closed, reason: `superseded by consent ${newId}` }, actor, at);
  }
  return [...byConsent.keys()].sort();
}

/** Records a consent, one row per purpose, its first history entry and a `consent.granted` event per purpose. */
export async function recordConsent(manager: EntityManager, input: NewConsent, actor: ConsentActor, now: Date): Promise<{ consent: Consent; superseded: string[] }> {
  await assertConsentableCustomer(manager, input.customerId);
  await assertDealerExists(manager, input.dealerId);
  const at = now.toISOString();
  const consent: Consent = {
    id: randomUUID(), customerId: input.customerId, dealerId: input.dealerId, channel: input.channel, evidenceRef: input.evidenceRef,
    policyVersion: input.policyVersion, expiresAt: input.expiresAt, createdAt: at, createdBy: actor.id,
  };
  const superseded = await supersedeLiveConsents(manager, input, consent.id, actor, now);
  await manager.insert(ConsentEntity, consent);
  await manager.insert(ConsentPurposeEntity, input.purposes.map((purposeId) => ({
    consentId: consent.id, purposeId, customerId: input.customerId, dealerId: input.dealerId, expiresAt: input.expiresAt, withdrawnAt: null,
  })));
  await appendHistory(manager, { consentId: consent.id, action: "recorded", purposes: input.purposes, reason: null }, actor, at);
  await emitDealerEvents(manager, input.purposes.map((purpose) => ({ dealerId: input.dealerId, type: "consent.granted", customerId: input.customerId, purpose })), now);
  return { consent, superseded };
}

/**
 * Erasure ends every live consent of the customer, each with a history entry saying `erased`, so that the
 * history reads as it happened. The dealers are told once, by the `customer.erased` event, not per purpose.
 */
export async function endConsentsOnErasure(manager: EntityManager, customerId: string, actor: ConsentActor, now: Date): Promise<string[]> {
  const live = (await manager.find(ConsentPurposeEntity, { where: { customerId, withdrawnAt: IsNull() } }))
    .filter((row) => purposeStatus(row, now) === "active");
  const byConsent = new Map<string, string[]>();
  for (const row of live) byConsent.set(row.consentId, [...(byConsent.get(row.consentId) ?? []), row.purposeId]);
  const at = now.toISOString();
  for (const [consentId, purposes] of [...byConsent].sort(([a], [b]) => a.localeCompare(b))) {
    const closed = await markWithdrawn(manager, consentId, purposes.sort(), at);
    if (closed.length > 0) await appendHistory(manager, { consentId, action: "withdrawn", purposes: closed, reason: "erased" }, actor, at);
  }
  return [...byConsent.keys()].sort();
}

export interface Withdrawal {
  consent: Consent;
  withdrawn: string[];
  alreadyWithdrawn: string[];
}

/**
 * Withdraws the named purposes, or every purpose not yet withdrawn. Purposes already withdrawn are
 * left as they are, so a repeated request changes nothing; a purpose outside the consent is a 400.
 */
export async function withdrawConsent(
  manager: EntityManager,
  consentId: string,
  request: { purposes?: string[]; reason?: string },
  actor: ConsentActor,
  now: Date,
): Promise<Withdrawal> {
  const consent = await manager.findOne(ConsentEntity, { where: { id: consentId }, ...forUpdate(manager) });
  if (!consent) throw problems.notFound("No such consent");
  const rows = await manager.find(ConsentPurposeEntity, { where: { consentId } });
  const held = new Set(rows.map((row) => row.purposeId));
  const foreign = (request.purposes ?? []).filter((purpose) => !held.has(purpose));
  if (foreign.length > 0) {
    throw problems.validation(`Not purposes of this consent: ${foreign.join(", ")}`, foreign.map((purpose) => ({ path: "purposes", message: `${purpose} is not a purpose of this consent` })));
  }
  const targets = (request.purposes ?? rows.map((row) => row.purposeId)).sort();
  const at = now.toISOString();
  const withdrawn = await markWithdrawn(manager, consentId, targets, at);
  if (withdrawn.length > 0) {
    await appendHistory(manager, { consentId, action: "withdrawn", purposes: withdrawn, reason: request.reason ?? null }, actor, at);
    await emitDealerEvents(manager, withdrawn.map((purpose) => ({ dealerId: consent.dealerId, type: "consent.withdrawn", customerId: consent.customerId, purpose })), now);
  }
  return { consent, withdrawn, alreadyWithdrawn: targets.filter((purpose) => !withdrawn.includes(purpose)) };
}
