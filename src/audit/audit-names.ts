import { In, type DataSource } from "typeorm";
import { AdminUserEntity } from "../admin-users/admin-user.entity";
import { CustomerEntity } from "../customers/customer.entity";
import { DealerCredentialEntity, DealerEntity } from "../dealers/dealer.entity";
import type { PublicAuditEvent } from "./audit-event-rows";

/** An event with the names a person reads beside its ids, looked up now: the audit row itself holds ids only. */
export interface NamedAuditEvent extends PublicAuditEvent {
  dealerName?: string;
  actorName?: string;
  customerRef?: string;
  customerErased?: true;
}

const unique = (values: (string | undefined)[]) => [...new Set(values.filter((value): value is string => value !== undefined))];

/**
 * Resolves the dealers, actors and customers of a page of events in four indexed queries, whatever the
 * page's size. An erased customer has no reference any more and is marked erased; an id that names
 * nothing (an unknown client, a deleted admin user) simply gets no name.
 */
export async function withDisplayNames(dataSource: DataSource, events: PublicAuditEvent[]): Promise<NamedAuditEvent[]> {
  const clientIds = unique(events.filter((event) => event.actorType === "dealer").map((event) => event.actorId));
  const adminIds = unique(events.filter((event) => event.actorType === "admin").map((event) => event.actorId));
  const customerIds = unique(events.map((event) => event.customerId));
  const [credentials, admins, customers] = await Promise.all([
    clientIds.length ? dataSource.getRepository(DealerCredentialEntity).find({ where: { clientId: In(clientIds) }, select: { clientId: true, dealerId: true } }) : [],
    adminIds.length ? dataSource.getRepository(AdminUserEntity).find({ where: { id: In(adminIds) }, select: { id: true, username: true } }) : [],
    customerIds.length ? dataSource.getRepository(CustomerEntity).find({ where: { id: In(customerIds) }, select: { id: true, externalRef: true, status: true } }) : [],
  ]);
  const dealerOfClient = new Map(credentials.map((credential) => [credential.clientId, credential.dealerId]));
  const dealerIds = unique([...events.map((event) => event.dealerId), ...dealerOfClient.values()]);
  const dealers = dealerIds.length ? await dataSource.getRepository(DealerEntity).find({ where: { id: In(dealerIds) }, select: { id: true, name: true } }) : [];
  const dealerName = new Map(dealers.map((dealer) => [dealer.id, dealer.name]));
  const adminName = new Map(admins.map((admin) => [admin.id, admin.username]));
  const customer = new Map(customers.map((row) => [row.id, row]));

  return events.map((event) => {
    const named: NamedAuditEvent = { ...event };
    const dealer = event.dealerId && dealerName.get(event.dealerId);
    if (dealer) named.dealerName = dealer;
    const actor = event.actorType === "admin" ? adminName.get(event.actorId)
      : event.actorType === "dealer" ? dealerName.get(dealerOfClient.get(event.actorId) ?? "") : undefined;
    if (actor) named.actorName = actor;
    const subject = event.customerId ? customer.get(event.customerId) : undefined;
    if (subject?.status === "erased") named.customerErased = true;
    else if (subject?.externalRef) named.customerRef = subject.externalRef;
    return named;
  });
}
