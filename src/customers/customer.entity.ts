import { EntitySchema } from "typeorm";
import { column, EXACT_COLLATION } from "../db/columns";
import type { CustomerData } from "./customer-fields";

export type CustomerStatus = "active" | "restricted" | "erased";

export interface Customer {
  id: string;
  externalRef: string | null;
  status: CustomerStatus;
  /** The personal data; null once erased. */
  profile: CustomerData | null;
  emailNormalized: string | null;
  phone: string | null;
  lastActivityAt: string | null;
  createdAt: string;
  updatedAt: string;
  restrictedAt: string | null;
  erasedAt: string | null;
}

const customerSchema = (profileType: "text" | "mediumtext") => new EntitySchema<Customer>({
  name: "Customer",
  tableName: "customers",
  columns: {
    id: column.id(),
    // Matched exactly, letter case included (the migration gives the column this collation on MySQL).
    externalRef: { ...column.str("external_ref", 128, true), collation: EXACT_COLLATION },
    status: column.str("status", 16),
    profile: { ...column.json("profile", true), type: profileType },
    emailNormalized: column.str("email_normalized", 254, true),
    phone: column.str("phone", 20, true),
    lastActivityAt: column.at("last_activity_at", true),
    createdAt: column.at("created_at"),
    updatedAt: column.at("updated_at"),
    restrictedAt: column.at("restricted_at", true),
    erasedAt: column.at("erased_at", true),
  },
  indices: [
    { name: "uq_customers_external_ref", columns: ["externalRef"], unique: true },
    { name: "ix_customers_email", columns: ["emailNormalized"] },
    { name: "ix_customers_phone", columns: ["phone"] },
    { name: "ix_customers_last_activity", columns: ["lastActivityAt"] },
  ],
});

export const CustomerEntity = customerSchema("text");
/**
 * The same entity as MySQL stores it: a record holding up to 1,000 purchases and 1,000 warranties
 * outgrows TEXT there. TypeORM finds an entity schema by its name, so code naming CustomerEntity
 * reaches this one on MySQL.
 */
export const MysqlCustomerEntity = customerSchema("mediumtext");
