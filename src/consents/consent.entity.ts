import { EntitySchema } from "typeorm";
import { column } from "../db/columns";

export const CONSENT_CHANNELS = ["boutique", "web", "phone", "dealer_store", "email"] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export interface Consent {
  id: string;
  customerId: string;
  dealerId: string;
  channel: ConsentChannel;
  evidenceRef: string;
  policyVersion: string;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
}

/** One row per purpose of a consent, so that purposes can be withdrawn one at a time. */
export interface ConsentPurpose {
  consentId: string;
  purposeId: string;
  customerId: string;
  dealerId: string;
  expiresAt: string | null;
  withdrawnAt: string | null;
  /** When the dealer was told, by the retention run, that this purpose's consent expired. */
  expiryAnnouncedAt?: string | null;
}

export interface ConsentHistoryEntry {
  seq: string;
  consentId: string;
  action: "recorded" | "withdrawn";
  purposes: string[];
  actorType: "admin" | "system";
  actorId: string;
  reason: string | null;
  at: string;
}

export const ConsentEntity = new EntitySchema<Consent>({
  name: "Consent",
  tableName: "consents",
  columns: {
    id: column.id(),
    customerId: column.ref("customer_id"),
    dealerId: column.ref("dealer_id"),
    channel: column.str("channel", 16),
    evidenceRef: column.str("evidence_ref", 255),
    policyVersion: column.str("policy_version", 64),
    expiresAt: column.at("expires_at", true),
    createdAt: column.at("created_at"),
    createdBy: column.ref("created_by"),
  },
  indices: [{ name: "ix_consents_customer", columns: ["customerId"] }],
  foreignKeys: [
    { target: "Customer", columnNames: ["customerId"], referencedColumnNames: ["id"], onDelete: "RESTRICT" },
    { target: "Dealer", columnNames: ["dealerId"], referencedColumnNames: ["id"], onDelete: "RESTRICT" },
  ],
});

export const ConsentPurposeEntity = new EntitySchema<ConsentPurpose>({
  name: "ConsentPurpose",
  tableName: "consent_purposes",
  columns: {
    consentId: { ...column.ref("consent_id"), primary: true },
    purposeId: { ...column.str("purpose_id", 64), primary: true },
    customerId: column.ref("customer_id"),
    dealerId: column.ref("dealer_id"),
    expiresAt: column.at("expires_at", true),
    withdrawnAt: column.at("withdrawn_at", true),
    expiryAnnouncedAt: column.at("expiry_announced_at", true),
  },
  indices: [
    { name: "ix_consent_purposes_customer", columns: ["customerId", "dealerId", "purposeId"] },
    { name: "ix_consent_purposes_dealer", columns: ["dealerId", "purposeId", "customerId"] },
    { name: "ix_consent_purposes_expiry", columns: ["expiryAnnouncedAt", "expiresAt"] },
  ],
  foreignKeys: [
    { target: "Consent", columnNames: ["consentId"], referencedColumnNames: ["id"], onDelete: "RESTRICT" },
    { target: "Purpose", columnNames: ["purposeId"], referencedColumnNames: ["id"], onDelete: "RESTRICT" },
  ],
});

export const ConsentHistoryEntity = new EntitySchema<ConsentHistoryEntry>({
  name: "ConsentHistoryEntry",
  tableName: "consent_history",
  columns: {
    seq: column.seq(),
    consentId: column.ref("consent_id"),
    action: column.str("action", 32),
    purposes: column.json("purposes"),
    actorType: column.str("actor_type", 16),
    actorId: column.str("actor_id", 64),
    reason: column.str("reason", 500, true),
    at: column.at("at"),
  },
  indices: [{ name: "ix_consent_history_consent", columns: ["consentId"] }],
  foreignKeys: [{ target: "Consent", columnNames: ["consentId"], referencedColumnNames: ["id"], onDelete: "RESTRICT" }],
});
