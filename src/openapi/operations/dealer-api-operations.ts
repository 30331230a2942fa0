import { z } from "zod";
import { ackBody, feedQuery } from "../../dealer-api/consent-event-routes";
import { listQuery, lookupBody, readQuery } from "../../dealer-api/customer-access-routes";
import { dealerOperation, errors, type Operation, type Parameter } from "../operation";
import { ackSchema, dealerCustomerSchema, dealerEventSchema, page } from "../response-schemas";
import { marketingPreferencesBody, purchaseBody, warrantyBody } from "../../customers/point-of-sale-input";
import { marketingPreferencesSchema, purchaseSchema, warrantySchema } from "../../customers/customer-fields";
import { idempotencyKeyHeader, MAX_WRITE_BODY_BYTES, writeQuery } from "../../dealer-api/point-of-sale-schemas";
import { PURPOSE_IDS } from "../../purposes/policy-purposes";

const purpose: Parameter & { required: boolean } = {
  schema: z.string().max(64),
  required: true,
  description: `The purpose this request serves: one of ${PURPOSE_IDS.join(", ")} (the access token's scope lists those granted to this dealer as purpose:<id>). Missing or unknown: 400 invalid_purpose, whose detail lists the valid ones.`,
};

const ACCESS_ERRORS = { 400: ["validation_failed", "invalid_purpose"], 403: ["purpose_not_granted", "transfer_safeguard_missing"] };
const UNIFORM_404 = "Unknown, erased and restricted customers, and customers without a live consent for this dealer and purpose, all get the same 404 not_found.";
const SCOPED = "data holds only the fields the purpose allows, narrowed by the dealer's grant; a field the record lacks is left out, never null.";

const writePurpose: Parameter & { required: boolean } = { schema: z.string().max(64), required: true, description: "Always record_accuracy; anything else is 400 invalid_purpose." };
const WRITE_ERRORS = {
  400: ["validation_failed", "invalid_purpose"], 403: ["purpose_not_granted", "transfer_safeguard_missing", "write_not_granted"], 422: ["idempotency_key_reused"],
};
const WRITE_RULES = `Needs a record_accuracy grant with write: true and a token carrying purpose:record_accuracy:write. The same decision as a read, plus the write permission: ${UNIFORM_404} The Idempotency-Key header is required: the same key and body within 24 hours replays the first response (Idempotent-Replayed: true) and writes nothing; the same key with another body is 422. The write and its audit event commit together or not at all; the audit event names the changed fields, never their values. Bodies above ${MAX_WRITE_BODY_BYTES} bytes are 413.`;
const writeHeaders = { "Idempotency-Key": { schema: idempotencyKeyHeader, required: true } };
const writeParams = { id: { schema: z.string(), description: "The customer's gateway id; anything that is not a known customer's UUID gets the same 404" } };

export const DEALER_API_OPERATIONS: Operation[] = [
  dealerOperation({
    method: "get", path: "/v1/customers/:id", tag: "dealer API", summary: "Read a customer for a purpose",
    description: `${SCOPED} ${UNIFORM_404} Audited (customer.read) with the consent and grant that allowed it.`,
    params: { id: { schema: z.string(), description: "The customer's gateway id; anything that is not a known customer's UUID gets the same 404" } },
    query: readQuery, extraQuery: { purpose },
    responses: { 200: { description: "The customer, scoped to the purpose", schema: dealerCustomerSchema, headers: ["Cache-Control", "RateLimit", "RateLimit-Policy"] } },
    errors: { ...ACCESS_ERRORS, ...errors(404) },
  }),
  dealerOperation({
    method: "post", path: "/v1/customers/lookup", tag: "dealer API", summary: "Find customers by email or phone",
    description: `Email compares case-insensitively, phone after E.164 normalisation. Customers without a live consent for this dealer and purpose are simply absent. ${SCOPED} Audited (customer.lookup).`,
    query: readQuery, extraQuery: { purpose },
    body: { schema: lookupBody, required: true },
    responses: { 200: { description: "The consenting matches", schema: z.strictObject({ matches: z.array(dealerCustomerSchema) }), headers: ["Cache-Control"] } },
    errors: ACCESS_ERRORS,
  }),
  dealerOperation({
    method: "get", path: "/v1/customers", tag: "dealer API", summary: "The customers who consent to this dealer for a purpose",
    description: `For syncing: every customer with a live consent for this dealer and purpose, by id, cursor-paged. ${SCOPED} Audited (customer.list).`,
    query: listQuery, extraQuery: { purpose },
    responses: { 200: { description: "One page; nextCursor is null on the last", schema: page(dealerCustomerSchema), headers: ["Cache-Control"] } },
    errors: ACCESS_ERRORS,
  }),
  dealerOperation({
    method: "get", path: "/v1/consent-events", tag: "dealer API", summary: "This dealer's feed of changes to act on",
    description: "consent.granted, consent.withdrawn, consent.expired, customer.erased, customer.restricted, grant.revoked and customer.marketing_updated (a marketing opt-out recorded at any dealer: stop marketing to that customer on the channels now off), oldest first. Without a cursor the feed starts after the last acknowledged event. A dealer hears of a customer only if that customer consented to it. Audited (consent_events.read).",
    query: feedQuery,
    responses: { 200: { description: "One page; nextCursor is null once the feed is exhausted", schema: page(dealerEventSchema), headers: ["Cache-Control"] } },
    errors: { 400: ["validation_failed", "invalid_purpose"] },
  }),
  dealerOperation({
    method: "post", path: "/v1/consent-events/ack", tag: "dealer API", summary: "Confirm that everything up to an event has been acted on",
    description: "Acknowledgements only move forward: an id behind the current one is a 409, the same id again is accepted. Compliance sees unacknowledged withdrawals and erasures. Audited (consent_events.ack).",
    body: { schema: ackBody, required: true },
    responses: { 200: { description: "The acknowledgement", schema: ackSchema, headers: ["Cache-Control"] } },
    errors: errors(409),
  }),
  dealerOperation({
    method: "post", path: "/v1/customers/:id/purchases", tag: "dealer API", summary: "Register a purchase at the point of sale",
    description: `soldBy is the dealer's name, set by the gateway; the purchase id is the gateway's. At most 1,000 purchases per customer: beyond, 409 record_limit_reached. ${WRITE_RULES} Audited (customer.purchase.record).`,
    params: writeParams, query: writeQuery, extraQuery: { purpose: writePurpose }, requestHeaders: writeHeaders,
    body: { schema: purchaseBody, required: true },
    responses: { 201: { description: "The stored purchase", schema: purchaseSchema, headers: ["Cache-Control", "Idempotent-Replayed"] } },
    errors: { ...WRITE_ERRORS, ...errors(404), 409: ["record_limit_reached"] },
  }),
  dealerOperation({
    method: "post", path: "/v1/customers/:id/warranties", tag: "dealer API", summary: "Register or extend a warranty",
    description: `extended: true for a serial number already under warranty replaces that warranty's endsOn, keeping one entry per serial number; the same serial number without extended is 409 conflict. At most 1,000 warranties per customer: beyond, 409 record_limit_reached. ${WRITE_RULES} Audited (customer.warranty.record).`,
    params: writeParams, query: writeQuery, extraQuery: { purpose: writePurpose }, requestHeaders: writeHeaders,
    body: { schema: warrantyBody, required: true },
    responses: { 201: { description: "The stored warranty", schema: warrantySchema, headers: ["Cache-Control", "Idempotent-Replayed"] } },
    errors: { ...WRITE_ERRORS, ...errors(404), 409: ["conflict", "record_limit_reached"] },
  }),
  dealerOperation({
    method: "put", path: "/v1/customers/:id/marketing-preferences", tag: "dealer API", summary: "Record the customer's marketing preferences",
    description: `All four channels. Policy P8: an opt-out takes effect at once, is kept in the customer's preference history with who recorded it and when, and reaches every dealer the customer consented to as customer.marketing_updated in its consent-events feed. Turning on a channel that is off (or was never recorded) needs evidenceRef, the customer's signed request, else 400 validation_failed. ${WRITE_RULES} Audited (customer.marketing.update).`,
    params: writeParams, query: writeQuery, extraQuery: { purpose: writePurpose }, requestHeaders: writeHeaders,
    body: { schema: marketingPreferencesBody, required: true },
    responses: { 200: { description: "The stored preferences", schema: marketingPreferencesSchema, headers: ["Cache-Control", "Idempotent-Replayed"] } },
    errors: { ...WRITE_ERRORS, ...errors(404) },
  }),
];
