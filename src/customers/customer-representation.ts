import type { CustomerData } from "./customer-fields";
import type { Customer } from "./customer.entity";

export type ErasedCustomerRepresentation = Pick<Customer, "id" | "status" | "createdAt" | "erasedAt">;

export type CustomerRepresentation = CustomerData &
  Pick<Customer, "id" | "externalRef" | "status" | "createdAt" | "updatedAt" | "restrictedAt" | "erasedAt">;

/** What the admin API shows of a customer: the flat record, or only the anonymous tombstone once erased. */
export function customerRepresentation(customer: Customer): CustomerRepresentation | ErasedCustomerRepresentation {
  if (customer.status === "erased" || customer.profile === null) {
    return { id: customer.id, status: "erased", createdAt: customer.createdAt, erasedAt: customer.erasedAt };
  }
  return {
    id: customer.id,
    externalRef: customer.externalRef,
    status: customer.status,
    ...customer.profile,
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
    restrictedAt: customer.restrictedAt,
    erasedAt: customer.erasedAt,
  };
}
