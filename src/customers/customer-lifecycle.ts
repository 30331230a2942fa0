import type { EntityManager } from "typeorm";
import { endConsentsOnErasure, type ConsentActor } from "../consents/consent-writes";
import { dealersConsentedBy, emitDealerEvents } from "../consents/dealer-events";
import type { DealerEventType } from "../consents/dealer-event.entity";
import { problems } from "../http/problem";
import { erasePreferenceHistory } from "./marketing-preferences";
import { eraseIdempotentResults } from "../dealer-api/idempotency";
import { assertNotErased, loadCustomer } from "./customer-records";
import { CustomerEntity, type Customer } from "./customer.entity";

export interface LifecycleChange {
  customer: Customer;
  /** Dealers told of the change through their consent-events feed. */
  notifiedDealerIds: string[];
}

/** Tells every dealer the customer ever consented to, and no other. */
async function notifyDealers(manager: EntityManager, customerId: string, type: DealerEventType, now: Date): Promise<string[]> {
  const dealerIds = await dealersConsentedBy(manager, customerId);
  await emitDealerEvents(manager, dealerIds.map((dealerId) => ({ dealerId, type, customerId })), now);
  return dealerIds;
}

/** Restricting a restricted customer is a 409: the second call would otherwise tell dealers twice. */
export async function restrictCustomer(manager: EntityManager, id: string, now: Date): Promise<LifecycleChange> {
  const existing = await loadCustomer(manager, id, { forUpdate: true });
  assertNotErased(existing);
  if (existing.status === "restricted") throw problems.conflict("The customer is already restricted");
  const at = now.toISOString();
  const changes = { status: "restricted" as const, restrictedAt: at, updatedAt: at };
  await manager.update(CustomerEntity, { id }, changes);
  const notifiedDealerIds = await notifyDealers(manager, id, "customer.restricted", now);
  return { customer: { ...existing, ...changes }, notifiedDealerIds };
}

export async function unrestrictCustomer(manager: EntityManager, id: string, now: Date): Promise<Customer> {
  const existing = await loadCustomer(manager, id, { forUpdate: true });
  assertNotErased(existing);
  if (existing.status !== "restricted") throw problems.conflict("The customer is not restricted");
  const changes = { status: "active" as const, restrictedAt: null, updatedAt: now.toISOString() };
  await manager.update(CustomerEntity, { id }, changes);
  return { ...existing, ...changes };
}

/** Irreversible: every personal column is cleared, every live consent ended; only the anonymous tombstone remains. */
export async function eraseCustomer(manager: EntityManager, id: string, actor: ConsentActor, now: Date): Promise<LifecycleChange & { endedConsentIds: string[] }> {
  const existing = await loadCustomer(manager, id, { forUpdate: true });
  if (existing.status === "erased") throw problems.conflict("The customer has already been erased");
  const at = now.toISOString();
  const tombstone: Customer = {
    id, status: "erased", createdAt: existing.createdAt, updatedAt: at, erasedAt: at,
    externalRef: null, profile: null, emailNormalized: null, phone: null, lastActivityAt: null, restrictedAt: null,
  };
  const { id: _id, ...columns } = tombstone;
  await manager.update(CustomerEntity, { id }, columns);
  await erasePreferenceHistory(manager, id);
  await eraseIdempotentResults(manager, id);
  const endedConsentIds = await endConsentsOnErasure(manager, id, actor, now);
  const notifiedDealerIds = await notifyDealers(manager, id, "customer.erased", now);
  return { customer: tombstone, notifiedDealerIds, endedConsentIds };
}
