import { z } from "zod";
import type { Role } from "../../admin-users/admin-user.entity";
import { recordSchema, withdrawSchema } from "../../consents/consent-routes";
import { customerInputSchema, customerPatchSchema, customerSearchSchema } from "../../customers/customer-input";
import { noBody, restrictBody } from "../../customers/customer-routes";
import { accessCheckBody } from "../../policy/access-check-routes";
import { adminOperation, errors, type Operation } from "../operation";
import {
  accessCheckSchema, consentSchema, marketingHistorySchema, customerOrTombstoneSchema, customerSchema, erasedCustomerSchema, importResultSchema, list,
} from "../response-schemas";

const CRM_ADMIN: Role[] = ["crm_admin"];

const lifecycle = (verb: "restrict" | "unrestrict" | "erase", summary: string, description: string, answer: z.ZodType): Operation => adminOperation({
  method: "post", path: `/v1/admin/customers/:id/${verb}`, tag: "customers", roles: CRM_ADMIN, summary, description: `${description} Audited (customer.${verb}).`,
  body: verb === "restrict"
    ? { schema: restrictBody, required: false, description: "Optionally the ground of GDPR Art. 18(1), kept as the audit event's reason" }
    : { schema: noBody, required: false, description: "No input; an empty object is accepted" },
  responses: { 200: { description: "The customer", schema: answer } }, errors: errors(404, 409),
});

export const CUSTOMER_OPERATIONS: Operation[] = [
  adminOperation({
    method: "post", path: "/v1/admin/customers", tag: "customers", roles: CRM_ADMIN, summary: "Create a customer",
    description: "The record of contract section 3 plus the CRM's externalRef (unique, case-sensitive). Audited (customer.create), by id only.",
    body: { schema: customerInputSchema, required: true },
    responses: { 201: { description: "The customer", schema: customerSchema, headers: ["Location"] } }, errors: errors(409),
  }),
  adminOperation({
    method: "get", path: "/v1/admin/customers", tag: "customers", roles: CRM_ADMIN, summary: "Find customers by externalRef or email",
    description: "Exactly one of the two filters; email compares case-insensitively. Audited (customer.search).",
    query: customerSearchSchema,
    responses: { 200: { description: "The matches", schema: list(customerSchema) } }, errors: {},
  }),
  adminOperation({
    method: "get", path: "/v1/admin/customers/:id", tag: "customers", roles: CRM_ADMIN, summary: "Read a customer",
    description: "An erased customer reads as its anonymous tombstone. Audited (customer.view).",
    responses: { 200: { description: "The customer or its tombstone", schema: customerOrTombstoneSchema } }, errors: errors(404),
  }),
  adminOperation({
    method: "patch", path: "/v1/admin/customers/:id", tag: "customers", roles: CRM_ADMIN, summary: "Change part of a customer record",
    description: "A given field replaces the stored one whole; null removes an optional field. 409 for an erased customer. Audited (customer.update) with the changed field names.",
    body: { schema: customerPatchSchema, required: true },
    responses: { 200: { description: "The customer", schema: customerSchema } }, errors: errors(404, 409),
  }),
  adminOperation({
    method: "post", path: "/v1/admin/customers/import", tag: "customers", roles: CRM_ADMIN, summary: "Import customers (NDJSON upsert by externalRef)",
    description: "One customer per line, as in POST /v1/admin/customers. Valid lines are imported in one transaction, invalid ones reported by line number; at most 50,000 lines. Audited (customer.import).",
    body: { schema: z.string().describe("One JSON customer per line"), mediaType: "application/x-ndjson", required: true },
    responses: { 200: { description: "Counts, and each rejected line with its reason", schema: importResultSchema } },
    errors: errors(413, 415),
  }),
  lifecycle("restrict", "Restrict a customer", "No dealer receives the customer's data until unrestricted; dealers the customer consented to get customer.restricted. 409 when already restricted or erased.", customerSchema),
  lifecycle("unrestrict", "Lift a restriction", "409 when the customer is not restricted.", customerSchema),
  lifecycle("erase", "Erase a customer", "Irreversible: the personal data is removed and an anonymous tombstone kept; every live consent ends with history reason erased; dealers the customer consented to get customer.erased. 409 when already erased.", erasedCustomerSchema),
  adminOperation({
    method: "post", path: "/v1/admin/customers/:id/consents", tag: "consents", roles: CRM_ADMIN, summary: "Record a consent",
    description: "One consent for one dealer and one or more purposes; it supersedes a live consent of the same dealer and purpose. The dealer's feed gets consent.granted per purpose. Audited (consent.record).",
    body: { schema: recordSchema, required: true },
    responses: { 201: { description: "The consent, active", schema: consentSchema, headers: ["Location"] } },
    errors: { ...errors(404), 400: ["validation_failed", "invalid_purpose"] },
  }),
  adminOperation({
    method: "get", path: "/v1/admin/customers/:id/consents", tag: "consents", roles: CRM_ADMIN, summary: "A customer's consents, full history",
    description: "Withdrawn and expired consents included, newest first. Audited (consent.view).",
    responses: { 200: { description: "The consents", schema: list(consentSchema) } }, errors: errors(404),
  }),
  adminOperation({
    method: "get", path: "/v1/admin/customers/:id/marketing-preferences", tag: "customers", roles: CRM_ADMIN, summary: "A customer's marketing preferences and their history",
    description: "Policy P8: the current preferences (null when none were recorded) and every change, channel by channel, oldest first: on or off, when, who recorded it (a dealer at the point of sale, or an admin) and the evidence for turning a channel on. Audited (customer.marketing.view).",
    responses: { 200: { description: "Current preferences and history", schema: marketingHistorySchema } }, errors: errors(404),
  }),
  adminOperation({
    method: "get", path: "/v1/admin/consents/:id", tag: "consents", roles: CRM_ADMIN, summary: "Read a consent",
    responses: { 200: { description: "The consent with its history", schema: consentSchema } }, errors: errors(404),
  }),
  adminOperation({
    method: "post", path: "/v1/admin/consents/:id/withdraw", tag: "consents", roles: CRM_ADMIN, summary: "Withdraw a consent, or some of its purposes",
    description: "All purposes when none are named. Repeating a withdrawal changes nothing. The dealer's feed gets consent.withdrawn per purpose. Audited (consent.withdraw).",
    body: { schema: withdrawSchema, required: false },
    responses: { 200: { description: "The consent", schema: consentSchema } }, errors: errors(404),
  }),
  adminOperation({
    method: "post", path: "/v1/admin/access-check", tag: "access check", roles: ["crm_admin", "compliance_auditor"],
    summary: "Explain the decision a dealer request would get now",
    description: "Answers \"why can't this dealer see this customer?\" with the reason the audit log would record; never personal data. Audited (access.check).",
    body: { schema: accessCheckBody, required: true },
    responses: { 200: { description: "The decision", schema: accessCheckSchema } }, errors: {},
  }),
];
