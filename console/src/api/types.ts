/** The shapes the console reads from the JSON API (contract sections 5 and 6). */
export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface Purpose {
  id: string;
  description?: string;
  fields: string[];
}

export interface Dealer {
  id: string;
  name: string;
  country: string;
  transferSafeguard: "adequacy" | "scc" | null;
  status: "active" | "suspended";
  createdAt: string;
}

export interface Credential {
  clientId: string;
  status: "active" | "revoked";
  createdAt: string;
  revokedAt: string | null;
}

export interface IssuedCredential {
  clientId: string;
  clientSecret: string;
}

export interface Grant {
  id: string;
  purpose: string;
  status: "active" | "expired" | "revoked";
  fields: string[] | null;
  effectiveFields: string[];
  expiresAt: string | null;
  grantedAt: string;
}

export interface Customer {
  id: string;
  externalRef?: string;
  status: "active" | "restricted" | "erased";
  name?: { given: string; family: string; salutation?: string };
  email?: string;
  phone?: string;
  postalAddress?: { line1: string; line2?: string; postalCode: string; city: string; country: string };
  birthDate?: string;
  preferredLanguage?: string;
  preferredBoutique?: string;
  interests?: string[];
  marketingPreferences?: Record<"email" | "phone" | "post" | "sms", boolean>;
  purchases?: { id: string; date: string; productRef: string; serialNumber?: string; soldBy: string; amount?: number; currency?: string }[];
  warranties?: { serialNumber: string; productRef: string; startsOn: string; endsOn: string; extended: boolean }[];
  serviceOrders?: { id: string; productRef: string; status: string; openedAt: string }[];
  createdAt: string;
  restrictedAt?: string | null;
  erasedAt?: string | null;
}

export type ConsentStatus = "active" | "withdrawn" | "expired";

export interface Consent {
  id: string;
  customerId: string;
  dealerId: string;
  purposes: string[];
  purposeStates: { purpose: string; status: ConsentStatus; withdrawnAt: string | null }[];
  channel: string;
  evidenceRef: string;
  policyVersion: string;
  expiresAt: string | null;
  status: ConsentStatus;
  createdAt: string;
  history: { action: string; purposes: string[]; actorType: string; actorId: string; reason: string | null; at: string }[];
}

export interface AccessAnswer {
  allow: boolean;
  reason: string;
  fields: string[];
}

export interface AuditEvent {
  id: string;
  at: string;
  actorType: "dealer" | "admin" | "system";
  actorId: string;
  action: string;
  dealerId?: string;
  customerId?: string;
  purpose?: string;
  decision: "allow" | "deny";
  reason?: string;
  consentId?: string;
  grantId?: string;
  fields?: string[];
  status: number;
  requestId: string;
  ip: string;
  detail?: unknown;
}

export interface DataSubjectReport {
  customerId: string;
  status: string;
  restrictedAt?: string;
  erasedAt?: string;
  generatedAt: string;
  recipients: { dealerId: string; name: string | null; country: string | null; firstAt: string; lastAt: string; disclosures: number; purposes: string[]; fields: string[] }[];
  disclosures: { eventId: string; at: string; dealerId: string; action: string; purpose: string | null; fields: string[]; consentId: string | null; grantId: string | null }[];
  consents: Consent[];
}

export interface PendingPurge {
  id: string;
  type: string;
  customerId?: string;
  purpose?: string;
  since: string;
  ageSeconds: number;
}

export interface DealerPendingPurges {
  dealerId: string;
  acknowledgedUpTo: string | null;
  acknowledgedAt: string | null;
  pending: number;
  oldestSince: string | null;
  items: PendingPurge[];
  nextCursor: string | null;
}

export interface PurgeSummary {
  dealerId: string;
  name: string;
  pending: number;
  oldestSince: string;
  ageSeconds: number;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBadEventId?: string;
  problem?: "changed" | "deleted" | "inserted" | "seal_altered";
  unsealed?: number;
  head?: { eventId: string; chainHash: string };
}
