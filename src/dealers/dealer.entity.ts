import { EntitySchema } from "typeorm";
import { column } from "../db/columns";

export type DealerStatus = "active" | "suspended";
export type TransferSafeguard = "adequacy" | "scc";

export interface Dealer {
  id: string;
  name: string;
  country: string;
  transferSafeguard: TransferSafeguard | null;
  status: DealerStatus;
  createdAt: string;
  updatedAt: string;
}

export interface DealerCredential {
  clientId: string;
  dealerId: string;
  secretHash: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface DealerGrant {
  id: string;
  dealerId: string;
  purposeId: string;
  fields: string[] | null;
  /** Whether the dealer may also register at the point of sale (contract 4.1); only ever true for record_accuracy. */
  write: boolean;
  expiresAt: string | null;
  grantedAt: string;
  grantedBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export const DealerEntity = new EntitySchema<Dealer>({
  name: "Dealer",
  tableName: "dealers",
  columns: {
    id: column.id(),
    name: column.str("name", 200),
    country: column.str("country", 2),
    transferSafeguard: column.str("transfer_safeguard", 16, true),
    status: column.str("status", 16),
    createdAt: column.at("created_at"),
    updatedAt: column.at("updated_at"),
  },
});

export const DealerCredentialEntity = new EntitySchema<DealerCredential>({
  name: "DealerCredential",
  tableName: "dealer_credentials",
  columns: {
    clientId: { ...column.str("client_id", 64), primary: true },
    dealerId: column.ref("dealer_id"),
    secretHash: { ...column.str("secret_hash", 255), select: false },
    createdAt: column.at("created_at"),
    createdBy: column.ref("created_by"),
    revokedAt: column.at("revoked_at", true),
    revokedBy: column.ref("revoked_by", true),
  },
  indices: [{ name: "ix_dealer_credentials_dealer", columns: ["dealerId"] }],
  foreignKeys: [{ target: "Dealer", columnNames: ["dealerId"], referencedColumnNames: ["id"], onDelete: "RESTRICT" }],
});

export const DealerGrantEntity = new EntitySchema<DealerGrant>({
  name: "DealerGrant",
  tableName: "dealer_grants",
  columns: {
    id: column.id(),
    dealerId: column.ref("dealer_id"),
    purposeId: column.str("purpose_id", 64),
    fields: column.json("fields", true),
    write: column.flag("allows_write"),
    expiresAt: column.at("expires_at", true),
    grantedAt: column.at("granted_at"),
    grantedBy: column.ref("granted_by"),
    revokedAt: column.at("revoked_at", true),
    revokedBy: column.ref("revoked_by", true),
  },
  indices: [{ name: "ix_dealer_grants_dealer_purpose", columns: ["dealerId", "purposeId"] }],
  foreignKeys: [
    { target: "Dealer", columnNames: ["dealerId"], referencedColumnNames: ["id"], onDelete: "RESTRICT" },
    { target: "Purpose", columnNames: ["purposeId"], referencedColumnNames: ["id"], onDelete: "RESTRICT" },
  ],
});
