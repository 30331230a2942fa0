import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { EntityManager } from "typeorm";
import { problems } from "../http/problem";
import type { CustomerData } from "./customer-fields";
import type { CustomerInput, CustomerPatch } from "./customer-input";
import { assertNotErased, externalRefTaken, loadCustomer, profileColumns } from "./customer-records";
import { CustomerEntity, type Customer } from "./customer.entity";
import { recordAdminPreferences } from "./marketing-preferences";

function splitInput(input: CustomerInput): { externalRef: string; data: CustomerData } {
  const { externalRef, ...data } = input;
  return { externalRef, data };
}

/** A new active customer row, not yet stored. */
export function newCustomer(input: CustomerInput, now: Date): Customer {
  const { externalRef, data } = splitInput(input);
  const at = now.toISOString();
  return {
    id: randomUUID(), externalRef, status: "active", ...profileColumns(data, at, now),
    createdAt: at, updatedAt: at, restrictedAt: null, erasedAt: null,
  };
}

/** The stored customer with its record replaced whole; status and timestamps of its lifecycle are kept. */
export function replacedRecord(existing: Customer, input: CustomerInput, now: Date): Customer {
  const { externalRef, data } = splitInput(input);
  return { ...existing, externalRef, ...profileColumns(data, existing.createdAt, now), updatedAt: now.toISOString() };
}

export async function createCustomer(manager: EntityManager, input: CustomerInput, now: Date, adminId: string): Promise<Customer> {
  if (await externalRefTaken(manager, input.externalRef)) throw problems.conflict("A customer with that externalRef already exists");
  const customer = newCustomer(input, now);
  await manager.insert(CustomerEntity, customer);
  await recordAdminPreferences(manager, [{ customerId: customer.id, before: null, after: customer.profile }], adminId, now);
  return customer;
}

export interface CustomerUpdate {
  customer: Customer;
  /** Names of the fields whose value actually changed. */
  changedFields: string[];
}

function applyPatch(profile: CustomerData, patch: Omit<CustomerPatch, "externalRef">): CustomerData {
  const merged: Record<string, unknown> = { ...profile };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete merged[field];
    else if (value !== undefined) merged[field] = value;
  }
  return merged as CustomerData;
}

export async function updateCustomer(manager: EntityManager, id: string, patch: CustomerPatch, now: Date, adminId: string): Promise<CustomerUpdate> {
  const existing = await loadCustomer(manager, id, { forUpdate: true });
  assertNotErased(existing);
  const { externalRef = existing.externalRef!, ...fields } = patch;
  const profile = applyPatch(existing.profile!, fields);
  const changedFields = Object.keys(fields).filter((field) => !isDeepStrictEqual(existing.profile![field as keyof CustomerData], profile[field as keyof CustomerData]));
  if (externalRef !== existing.externalRef) {
    if (await externalRefTaken(manager, externalRef, id)) throw problems.conflict("A customer with that externalRef already exists");
    changedFields.unshift("externalRef");
  }
  if (changedFields.length === 0) return { customer: existing, changedFields };
  const customer = replacedRecord(existing, { externalRef, ...profile }, now);
  await manager.update(CustomerEntity, { id }, {
    externalRef: customer.externalRef, profile: customer.profile, emailNormalized: customer.emailNormalized, phone: customer.phone,
    lastActivityAt: customer.lastActivityAt, updatedAt: customer.updatedAt,
  });
  await recordAdminPreferences(manager, [{ customerId: id, before: existing.profile, after: customer.profile }], adminId, now);
  return { customer, changedFields };
}
