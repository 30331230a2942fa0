import type { z } from "zod";
import type {
  accessCheckSchema, consentSchema, createdCredentialSchema, credentialSchema, dealerSchema, grantSchema, marketingHistorySchema, purposeSchema,
} from "../../../src/openapi/response-schemas";
import type {
  allPendingPurgesSchema, auditEventSchema, checkpointSchema, dataSubjectReportSchema, dealerPendingPurgesSchema, verifySchema,
} from "../../../src/openapi/audit-response-schemas";

/**
 * The shapes the console reads from the JSON API, taken from the response schemas the OpenAPI document
 * is generated from: one description of the API, checked against real responses by the test suite.
 */
export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export type Purpose = z.infer<typeof purposeSchema>;
export type Dealer = z.infer<typeof dealerSchema>;
export type Credential = z.infer<typeof credentialSchema>;
export type IssuedCredential = z.infer<typeof createdCredentialSchema>;
export type Grant = z.infer<typeof grantSchema>;
export type Consent = z.infer<typeof consentSchema>;
export type MarketingHistory = z.infer<typeof marketingHistorySchema>;
export type ConsentStatus = Consent["status"];
export type AccessAnswer = z.infer<typeof accessCheckSchema>;
export type AuditEvent = z.infer<typeof auditEventSchema>;
export type DataSubjectReport = z.infer<typeof dataSubjectReportSchema>;
export type DealerPendingPurges = z.infer<typeof dealerPendingPurgesSchema>;
export type PendingPurge = DealerPendingPurges["items"][number];
export type PurgeSummary = z.infer<typeof allPendingPurgesSchema>["items"][number];
export type VerifyResult = z.infer<typeof verifySchema>;
export type VerifyProblem = NonNullable<VerifyResult["problem"]>;
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** An active or restricted record, or an erased tombstone: the fields a tombstone lacks are optional. */
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
