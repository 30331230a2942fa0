import { z } from "zod";
import { ackBody, feedQuery } from "../../dealer-api/consent-event-routes";
import { listQuery, lookupBody, readQuery } from "../../dealer-api/customer-access-routes";
import { dealerOperation, errors, type Operation, type Parameter } from "../operation";
import { ackSchema, dealerCustomerSchema, dealerEventSchema, page } from "../response-schemas";
import { PURPOSE_IDS } from "../../purposes/policy-purposes";

const purpose: Parameter & { required: boolean } = {
  schema: z.string().max(64),
  required: true,
  description: `The purpose this request serves: one of ${PURPOSE_IDS.join(", ")} (the access token's scope lists those granted to this dealer as purpose:<id>). Missing or unknown: 400 invalid_purpose, whose detail lists the valid ones.`,
};

const ACCESS_ERRORS = { 400: ["validation_failed", "invalid_purpose"], 403: ["purpose_not_granted", "transfer_safeguard_missing"] };
const UNIFORM_404 = "Unknown, erased and restricted customers, and customers without a live consent for this dealer and purpose, all get the same 404 not_found.";
const SCOPED = "data holds only the fields the purpose allows, narrowed by the dealer's grant; a field the record lacks is left out, never null.";

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
    description: "consent.granted, consent.withdrawn, consent.expired, customer.erased, customer.restricted and grant.revoked, oldest first. Without a cursor the feed starts after the last acknowledged event. A dealer hears of a customer only if that customer consented to it. Audited (consent_events.read).",
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
];
