import type { z } from "zod";
import { createSchema as createUserSchema, updateSchema as updateUserSchema } from "../admin-users/admin-user-routes";
import { loginSchema } from "../auth/login-route";
import { recordSchema, withdrawSchema } from "../consents/consent-routes";
import { customerInputSchema, customerPatchSchema } from "../customers/customer-input";
import { ackBody } from "../dealer-api/consent-event-routes";
import { lookupBody } from "../dealer-api/customer-access-routes";
import { createDealerSchema, updateDealerSchema } from "../dealers/dealer-schemas";
import { accessCheckBody } from "../policy/access-check-routes";
import { heldCheckpointBody } from "../audit/audit-routes";
import { marketingPreferencesSchema, purchaseSchema, warrantySchema } from "../customers/customer-fields";
import { marketingPreferencesBody, purchaseBody, warrantyBody } from "../customers/point-of-sale-input";
import * as audit from "./audit-response-schemas";
import { anyGrantBody } from "./operations/admin-operations";
import * as replies from "./response-schemas";
import { deliverySchema, putWebhookBody, webhookCreatedSchema, webhookStatusSchema } from "../webhooks/webhook-schemas";

/**
 * Realistic examples for the OpenAPI document, so that "Try it out" starts from values a CRM would hold:
 * customers from the Netherlands, France and Switzerland, real-looking watch references, E.164 phones,
 * plausible dates. Each is checked against its own schema by test/openapi-examples.test.ts.
 */
const IDS = {
  dutch: "3f1c2a9e-7b4d-4e8a-9c51-2d6f0b8a1e47",
  dealerParis: "8f66dac7-1c0e-4b7a-a2d3-5e9f4c6b7a10",
  consent: "c2b7e4d1-9a3f-4f6e-8d20-7a1b5c9e3f82",
  grant: "a41e6f3b-2c8d-4b95-9e07-6d3a1f8c2b54",
  admin: "997c5cd4-5e2a-4c1b-8f3d-0a6b9e7c4d21",
  event: "5d9a3c7e-4f21-4b6a-8e0d-3c7f1a9b5e68",
} as const;

const dutchCustomer = {
  externalRef: "CRM-004217",
  name: { given: "Sanne", family: "de Vries", salutation: "Mevr." },
  email: "sanne.devries@example.nl",
  phone: "+31612345678",
  postalAddress: { line1: "P.C. Hooftstraat 112", postalCode: "1071 CD", city: "Amsterdam", country: "NL" },
  birthDate: "1986-04-17",
  preferredLanguage: "nl-NL",
  preferredBoutique: "Amsterdam P.C. Hooftstraat",
  interests: ["watches", "high jewellery"],
  marketingPreferences: { email: true, phone: false, post: true, sms: false },
  purchases: [{ id: "PUR-2025-08817", date: "2025-11-22", productRef: "126610LN-0001", serialNumber: "7N41X9K2", soldBy: "Amsterdam P.C. Hooftstraat", amount: 10900, currency: "EUR" }],
  warranties: [{ serialNumber: "7N41X9K2", productRef: "126610LN-0001", startsOn: "2025-11-22", endsOn: "2030-11-22", extended: false }],
  serviceOrders: [{ id: "SO-2026-00412", productRef: "116500LN-0002", status: "in_progress", openedAt: "2026-03-09T14:20:00Z" }],
};

const frenchCustomer = {
  externalRef: "CRM-001853",
  name: { given: "Amélie", family: "Durand", salutation: "Mme" },
  email: "amelie.durand@example.fr",
  phone: "+33142601234",
  postalAddress: { line1: "12 rue de la Paix", postalCode: "75002", city: "Paris", country: "FR" },
  birthDate: "1979-09-03",
  preferredLanguage: "fr-FR",
  preferredBoutique: "Paris Place Vendôme",
};

const swissCustomer = {
  externalRef: "CRM-007390",
  name: { given: "Luca", family: "Meier" },
  email: "luca.meier@example.ch",
  phone: "+41791234567",
  postalAddress: { line1: "Rue du Rhône 48", postalCode: "1204", city: "Genève", country: "CH" },
  birthDate: "1991-01-28",
  preferredLanguage: "fr-CH",
  preferredBoutique: "Genève Rue du Rhône",
  interests: ["complications"],
};

const at = "2026-11-27T15:42:08.311Z";
const dealer = { id: IDS.dealerParis, name: "Horlogerie Lacroix Paris", country: "FR", transferSafeguard: null, status: "active", createdAt: "2026-01-12T09:00:00.000Z", updatedAt: "2026-01-12T09:00:00.000Z" };
const consent = {
  id: IDS.consent, customerId: IDS.dutch, dealerId: IDS.dealerParis, purposes: ["service_delivery", "in_store_experience"],
  purposeStates: [{ purpose: "in_store_experience", status: "active", withdrawnAt: null }, { purpose: "service_delivery", status: "active", withdrawnAt: null }],
  channel: "boutique", evidenceRef: "EV-2026-AMS-0193", policyVersion: "2021-04", expiresAt: "2028-11-27T00:00:00.000Z", status: "active",
  createdAt: "2026-11-27T10:05:00.000Z", createdBy: IDS.admin,
  history: [{ action: "recorded", purposes: ["in_store_experience", "service_delivery"], actorType: "admin", actorId: IDS.admin, reason: null, at: "2026-11-27T10:05:00.000Z" }],
};
const auditEvent = {
  id: IDS.event, at, actorType: "dealer", actorId: "dlr_4b2f9c7e1a", action: "customer.read", dealerId: IDS.dealerParis, customerId: IDS.dutch,
  purpose: "service_delivery", decision: "allow", consentId: IDS.consent, grantId: IDS.grant, fields: ["email", "name", "phone", "serviceOrders"],
  status: 200, requestId: "req-7f3a9c2e", ip: "203.0.113.24",
};

const optOut = {
  channel: "email", optedIn: false, recordedAt: at, actorType: "dealer", actorId: "dlr_4b2f9c7e1a", dealerId: IDS.dealerParis, evidenceRef: null,
};

export const SCHEMA_EXAMPLES: [z.ZodType, unknown][] = [
  [customerInputSchema, dutchCustomer],
  [customerPatchSchema, { phone: "+31687654321", preferredBoutique: "Rotterdam Lijnbaan", marketingPreferences: { email: false, phone: false, post: true, sms: false } }],
  [createDealerSchema, { name: "Bijouterie du Rhône SA", country: "CH", transferSafeguard: "adequacy" }],
  [updateDealerSchema, { name: "Horlogerie Lacroix Paris Vendôme" }],
  [recordSchema, { dealerId: IDS.dealerParis, purposes: ["service_delivery", "in_store_experience"], channel: "boutique", evidenceRef: "EV-2026-AMS-0193", policyVersion: "2021-04", expiresAt: "2028-11-27T00:00:00Z" }],
  [withdrawSchema, { purposes: ["in_store_experience"], reason: "customer asked at the Amsterdam boutique" }],
  [accessCheckBody, { dealerId: IDS.dealerParis, customerId: IDS.dutch, purpose: "service_delivery" }],
  [lookupBody, { email: "amelie.durand@example.fr" }],
  [ackBody, { upTo: "1842" }],
  [loginSchema, { username: "compliance.officer", password: "a-long-passphrase-of-your-own" }],
  [createUserSchema, { username: "j.bakker", password: "Tulpen-en-Klokken-2026!", roles: ["crm_admin"] }],
  [updateUserSchema, { roles: ["crm_admin", "compliance_auditor"] }],
  [replies.problemSchema, { type: "https://dealer-gateway.example/problems/not_found", title: "Not found", status: 404, code: "not_found", requestId: "req-7f3a9c2e" }],
  [replies.oauthErrorSchema, { error: "invalid_scope", error_description: "The requested scope exceeds the purposes granted to this dealer" }],
  [replies.tokenSchema, { access_token: "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJkbHJfNGIyZjljN2UxYSJ9.c2lnbmF0dXJl", token_type: "Bearer", expires_in: 600, scope: "purpose:service_delivery purpose:in_store_experience" }],
  [replies.adminUserSchema, { id: IDS.admin, username: "j.bakker", roles: ["crm_admin"], createdAt: "2026-02-02T08:30:00.000Z", updatedAt: "2026-02-02T08:30:00.000Z" }],
  [replies.purposeSchema, { id: "service_delivery", description: "Providing the services the customer asked for (repairs, orders, after-sales)", fields: ["name", "email", "phone", "preferredLanguage", "serviceOrders", "warranties"] }],
  [replies.dealerSchema, dealer],
  [replies.createdCredentialSchema, { clientId: "dlr_4b2f9c7e1a", clientSecret: "s3cr3t-shown-once-Zq8vN2kR7wX4pL9tB6mH", createdAt: "2026-01-12T09:01:00.000Z" }],
  [replies.credentialSchema, { clientId: "dlr_4b2f9c7e1a", status: "active", createdAt: "2026-01-12T09:01:00.000Z", createdBy: IDS.admin, revokedAt: null, revokedBy: null }],
  [replies.grantSchema, {
    id: IDS.grant, dealerId: IDS.dealerParis, purpose: "service_delivery", status: "active", fields: null,
    effectiveFields: ["email", "name", "phone", "preferredLanguage", "serviceOrders", "warranties"], write: false, expiresAt: null,
    grantedAt: "2026-01-12T09:02:00.000Z", grantedBy: IDS.admin, revokedAt: null, revokedBy: null,
  }],
  [replies.customerSchema, { id: IDS.dutch, status: "active", ...dutchCustomer, createdAt: "2026-01-20T11:00:00.000Z", updatedAt: "2026-11-22T16:10:00.000Z", restrictedAt: null, erasedAt: null }],
  [replies.erasedCustomerSchema, { id: "0b6e2f4a-8c1d-4e7b-9a35-f2d8c6a1b903", status: "erased", createdAt: "2024-05-02T10:00:00.000Z", erasedAt: "2026-10-01T07:45:00.000Z" }],
  [replies.importResultSchema, { created: 2, updated: 1, total: 4, rejected: [{ line: 3, reason: "phone: must be a phone number in E.164 form, e.g. +33142123456" }] }],
  [replies.consentSchema, consent],
  [replies.accessCheckSchema, { allow: false, reason: "consent_withdrawn", fields: [] }],
  [replies.dealerCustomerSchema, {
    id: IDS.dutch, purpose: "service_delivery",
    data: { name: dutchCustomer.name, email: dutchCustomer.email, phone: dutchCustomer.phone, preferredLanguage: "nl-NL", serviceOrders: dutchCustomer.serviceOrders },
    consent: { id: IDS.consent, expiresAt: "2028-11-27T00:00:00.000Z" },
  }],
  [replies.dealerEventSchema, { id: "1842", type: "consent.withdrawn", customerId: IDS.dutch, purpose: "in_store_experience", at }],
  [replies.ackSchema, { upTo: "1842", ackedAt: at }],
  [audit.auditEventSchema, auditEvent],
  [audit.auditEventsPageSchema, { items: [auditEvent], nextCursor: null }],
  [audit.verifySchema, { ok: true, checked: 48211, treeSize: 48190 }],
  [audit.dataSubjectReportSchema, {
    customerId: IDS.dutch, status: "active", generatedAt: at,
    recipients: [{ dealerId: IDS.dealerParis, name: "Horlogerie Lacroix Paris", country: "FR", firstAt: "2026-11-27T10:12:40.118Z", lastAt: at, disclosures: 2, purposes: ["service_delivery"], fields: auditEvent.fields }],
    disclosures: [{ eventId: IDS.event, at, dealerId: IDS.dealerParis, action: "customer.read", purpose: "service_delivery", fields: auditEvent.fields, consentId: IDS.consent, grantId: IDS.grant }],
    consents: [consent],
    dealerChanges: [{ eventId: IDS.event, at, dealerId: IDS.dealerParis, action: "customer.marketing.update", changedFields: ["marketingPreferences.email"] }],
    marketingPreferenceHistory: [optOut],
  }],
  [purchaseBody, { date: "2026-11-27", productRef: "126610LN-0001", serialNumber: "9K27M4QX", amount: 10900, currency: "EUR" }],
  [purchaseSchema, { id: "e7a4c2d9-1b3f-4c8e-9a62-5d0f7b3e1c48", date: "2026-11-27", productRef: "126610LN-0001", serialNumber: "9K27M4QX", soldBy: "Horlogerie Lacroix Paris", amount: 10900, currency: "EUR" }],
  [warrantyBody, { serialNumber: "7N41X9K2", productRef: "126610LN-0001", startsOn: "2025-11-22", endsOn: "2033-11-22", extended: true }],
  [warrantySchema, { serialNumber: "7N41X9K2", productRef: "126610LN-0001", startsOn: "2025-11-22", endsOn: "2033-11-22", extended: true }],
  [marketingPreferencesBody, { email: false, phone: false, post: true, sms: false }],
  [marketingPreferencesSchema, { email: false, phone: false, post: true, sms: false }],
  [replies.marketingHistorySchema, { current: { email: false, phone: false, post: true, sms: false }, history: [optOut] }],
  [anyGrantBody, { fields: ["name", "email", "serviceOrders"], expiresAt: "2027-12-31T23:59:59Z" }],
  [putWebhookBody, { url: "https://pos.lacroix-paris.example/hooks/dealer-gateway" }],
  [webhookCreatedSchema, { url: "https://pos.lacroix-paris.example/hooks/dealer-gateway", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }],
  [webhookStatusSchema, {
    url: "https://pos.lacroix-paris.example/hooks/dealer-gateway", status: "failing", lastDeliveryAt: "2026-11-27T10:12:40.118Z",
    lastFailure: { at, error: "HTTP 503" }, pending: 3,
  }],
  [deliverySchema, {
    id: "2214", eventId: "1842", type: "consent.withdrawn", status: "pending", attempts: 2, queuedAt: "2026-11-27T10:12:40.118Z",
    nextAttemptAt: "2026-11-27T10:13:20.000Z", lastAttemptAt: at, lastStatus: 503, lastResponse: "Service Unavailable",
  }],
  [heldCheckpointBody, { checkpoint: "dealer-gateway.example/audit\n48190\nq1Xb0hJ2m6Yw0aVY8m1r0d3l9WcQ2f8p5nH7kT4sZ0E=\n\n— dealer-gateway.example/audit Az3n0yS9vC8kQ2pL4mW7xR1tB6fH5jD0gE8uN3aY2oK9sV=\n" }],
];

/** Two more customers, for the request body's named examples: the document shows the three countries. */
export const CUSTOMER_BODY_EXAMPLES = {
  netherlands: { summary: "A customer in Amsterdam", value: dutchCustomer },
  france: { summary: "A customer in Paris", value: frenchCustomer },
  switzerland: { summary: "A customer in Geneva", value: swissCustomer },
};

export const EXAMPLE_OF = new Map<z.ZodType, unknown>(SCHEMA_EXAMPLES);
