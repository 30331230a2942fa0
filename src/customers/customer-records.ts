import { In, type EntityManager } from "typeorm";
import { isMysql } from "../db/dialect";
import { problems } from "../http/problem";
import type { CustomerData } from "./customer-fields";
import { CustomerEntity, type Customer } from "./customer.entity";

/** Day-only dates count from the start of their day (UTC). */
function instantOf(value: string): number {
  return new Date(value.length === 10 ? `${value}T00:00:00.000Z` : value).getTime();
}

/**
 * The latest of the record's purchase dates, warranty starts, service-order openings and the customer's
 * creation; a date still in the future is not activity yet and would postpone retention indefinitely.
 */
export function lastActivityOf(data: CustomerData, createdAt: string, now: Date): string {
  const moments = [
    createdAt,
    ...(data.purchases ?? []).map((purchase) => purchase.date),
    ...(data.warranties ?? []).map((warranty) => warranty.startsOn),
    ...(data.serviceOrders ?? []).map((order) => order.openedAt),
  ].map(instantOf);
  return new Date(Math.min(Math.max(...moments), now.getTime())).toISOString();
}

/** The columns derived from the record: the profile itself and what lookups and retention read. */
export function profileColumns(data: CustomerData, createdAt: string, now: Date): Pick<Customer, "profile" | "emailNormalized" | "phone" | "lastActivityAt"> {
  return {
    profile: data,
    emailNormalized: data.email?.toLowerCase() ?? null,
    phone: data.phone ?? null,
    lastActivityAt: lastActivityOf(data, createdAt, now),
  };
}

/** One customer, row-locked on MySQL when it is about to change so concurrent changes apply one after the other. */
export async function loadCustomer(manager: EntityManager, id: string, options: { forUpdate?: boolean } = {}): Promise<Customer> {
  const lock = options.forUpdate && isMysql(manager.dataSource) ? { lock: { mode: "pessimistic_write" as const } } : {};
  const customer = await manager.findOne(CustomerEntity, { where: { id }, ...lock });
  if (!customer) throw problems.notFound("No such customer");
  return customer;
}

export function assertNotErased(customer: Customer): void {
  if (customer.status === "erased") throw problems.conflict("The customer has been erased; an erased customer cannot change");
}

/**
 * Customers by externalRef, matched exactly: MySQL's collation would also return other letter cases.
 */
export async function customersByExternalRef(manager: EntityManager, refs: string[], options: { forUpdate?: boolean } = {}): Promise<Map<string, Customer>> {
  if (refs.length === 0) return new Map();
  const lock = options.forUpdate && isMysql(manager.dataSource) ? { lock: { mode: "pessimistic_write" as const } } : {};
  const rows = await manager.find(CustomerEntity, { where: { externalRef: In(refs) }, ...lock });
  const wanted = new Set(refs);
  return new Map(rows.filter((row) => row.externalRef !== null && wanted.has(row.externalRef)).map((row) => [row.externalRef!, row]));
}

/** Whether another customer already holds this externalRef in any letter case the database treats as equal. */
export async function externalRefTaken(manager: EntityManager, externalRef: string, exceptId?: string): Promise<boolean> {
  const rows = await manager.find(CustomerEntity, { where: { externalRef }, select: { id: true } });
  return rows.some((row) => row.id !== exceptId);
}
