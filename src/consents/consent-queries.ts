import { In, type EntityManager } from "typeorm";
import { CustomerEntity } from "../customers/customer.entity";
import { problems } from "../http/problem";
import { ConsentEntity, ConsentHistoryEntity, ConsentPurposeEntity, type Consent } from "./consent.entity";
import { consentView, type ConsentView } from "./consent-representation";

/** Views of several consents in three queries, whatever their number. */
async function viewsOf(manager: EntityManager, consents: Consent[], now: Date): Promise<{ view: ConsentView; recordedSeq: number }[]> {
  if (consents.length === 0) return [];
  const ids = consents.map((consent) => consent.id);
  const purposes = await manager.find(ConsentPurposeEntity, { where: { consentId: In(ids) } });
  const history = await manager.find(ConsentHistoryEntity, { where: { consentId: In(ids) }, order: { seq: "ASC" } });
  return consents.map((consent) => {
    const entries = history.filter((entry) => entry.consentId === consent.id);
    return {
      view: consentView(consent, purposes.filter((purpose) => purpose.consentId === consent.id), entries, now),
      recordedSeq: Number(entries[0]?.seq ?? 0),
    };
  });
}

export async function findConsent(manager: EntityManager, id: string): Promise<Consent> {
  const consent = await manager.findOneBy(ConsentEntity, { id });
  if (!consent) throw problems.notFound("No such consent");
  return consent;
}

export async function loadConsentView(manager: EntityManager, id: string, now: Date): Promise<ConsentView> {
  const [loaded] = await viewsOf(manager, [await findConsent(manager, id)], now);
  return loaded!.view;
}

/** Every consent a customer ever gave, withdrawn and expired ones included, newest first; an erased customer's too. */
export async function listCustomerConsents(manager: EntityManager, customerId: string, now: Date): Promise<ConsentView[]> {
  if (!(await manager.exists(CustomerEntity, { where: { id: customerId } }))) throw problems.notFound("No such customer");
  const consents = await manager.find(ConsentEntity, { where: { customerId } });
  const loaded = await viewsOf(manager, consents, now);
  // Consents recorded in the same millisecond keep the order in which they were recorded.
  loaded.sort((a, b) => b.view.createdAt.localeCompare(a.view.createdAt) || b.recordedSeq - a.recordedSeq);
  return loaded.map((entry) => entry.view);
}
