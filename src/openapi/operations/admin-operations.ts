import type { Role } from "../../admin-users/admin-user.entity";
import { createSchema as createUserSchema, updateSchema as updateUserSchema } from "../../admin-users/admin-user-routes";
import { createCredentialSchema, createDealerSchema, listDealersQuery, updateDealerSchema } from "../../dealers/dealer-schemas";
import { statusChangeBody } from "../../dealers/dealer-routes";
import { grantBodySchema, listGrantsQuery } from "../../dealers/grant-schemas";
import { CUSTOMER_FIELDS } from "../../customers/customer-fields";
import { adminOperation, errors, type Operation } from "../operation";
import { adminUserSchema, createdCredentialSchema, credentialSchema, dealerSchema, grantSchema, list, page, purposeSchema } from "../response-schemas";

const USER_ADMIN: Role[] = ["user_admin"];
const ROLE_RULE = "Only a holder of a role may grant it: you may create, change or delete a user only when you hold every role that user has and is to have, and nobody changes their own roles (403 forbidden otherwise, audited as a denial with reason role_not_held or own_roles). The bootstrap admin holds all three roles and creates the first users.";
const CRM_ADMIN: Role[] = ["crm_admin"];

/**
 * The grant body is checked against the purpose named in the path; described here for a purpose
 * holding every field, the field list a real purpose admits is its own (GET /v1/purposes).
 */
export const anyGrantBody = grantBodySchema({ id: "any", description: "", fields: CUSTOMER_FIELDS }, new Date(0));

const STATUS_CHANGE = (verb: "suspend" | "reinstate", effect: string): Operation => adminOperation({
  method: "post", path: `/v1/admin/dealers/:id/${verb}`, tag: "dealers", roles: CRM_ADMIN,
  summary: `${verb === "suspend" ? "Suspend" : "Reinstate"} a dealer`, description: `${effect} Audited (dealer.${verb}).`,
  body: { schema: statusChangeBody, required: false, description: "No input; an empty object is accepted" },
  responses: { 200: { description: "The dealer", schema: dealerSchema } },
  errors: errors(404, 409),
});

export const ADMIN_OPERATIONS: Operation[] = [
  adminOperation({
    method: "post", path: "/v1/admin/users", tag: "admin users", roles: USER_ADMIN, summary: "Create an admin user",
    description: `${ROLE_RULE} The password policy (NIST SP 800-63B) applies; passwords are stored with scrypt. Audited (user.create).`,
    body: { schema: createUserSchema, required: true },
    responses: { 201: { description: "The user, without the password", schema: adminUserSchema, headers: ["Location"] } },
    errors: errors(409),
  }),
  adminOperation({
    method: "get", path: "/v1/admin/users", tag: "admin users", roles: USER_ADMIN, summary: "List admin users",
    responses: { 200: { description: "Every admin user, by username", schema: list(adminUserSchema) } }, errors: {},
  }),
  adminOperation({
    method: "get", path: "/v1/admin/users/:id", tag: "admin users", roles: USER_ADMIN, summary: "Read an admin user",
    responses: { 200: { description: "The user", schema: adminUserSchema } }, errors: errors(404),
  }),
  adminOperation({
    method: "patch", path: "/v1/admin/users/:id", tag: "admin users", roles: USER_ADMIN, summary: "Change an admin user's password or roles",
    description: `${ROLE_RULE} The password policy applies to a new password, and a new password revokes every token the user holds at once (they sign in again). 409 when the change would leave no user holding user_admin. Audited (user.update).`,
    body: { schema: updateUserSchema, required: true },
    responses: { 200: { description: "The user", schema: adminUserSchema } }, errors: errors(404, 409),
  }),
  adminOperation({
    method: "delete", path: "/v1/admin/users/:id", tag: "admin users", roles: USER_ADMIN, summary: "Delete an admin user",
    description: `${ROLE_RULE} 409 for your own account or the last user_admin. Audited (user.delete).`,
    responses: { 204: { description: "Deleted" } }, errors: errors(404, 409),
  }),
  adminOperation({
    method: "get", path: "/v1/purposes", tag: "purposes", roles: ["user_admin", "crm_admin", "compliance_auditor"],
    summary: "List the purposes and their default fields",
    responses: { 200: { description: "The purposes of the privacy policy", schema: list(purposeSchema) } }, errors: {},
  }),
  adminOperation({
    method: "post", path: "/v1/admin/dealers", tag: "dealers", roles: CRM_ADMIN, summary: "Create a dealer",
    description: "A dealer outside the EEA and Switzerland receives no data until transferSafeguard is adequacy or scc. Audited (dealer.create).",
    body: { schema: createDealerSchema, required: true },
    responses: { 201: { description: "The dealer, active", schema: dealerSchema, headers: ["Location"] } }, errors: {},
  }),
  adminOperation({
    method: "get", path: "/v1/admin/dealers", tag: "dealers", roles: CRM_ADMIN, summary: "List dealers, in creation order",
    query: listDealersQuery,
    responses: { 200: { description: "One page; nextCursor is null on the last", schema: page(dealerSchema) } }, errors: {},
  }),
  adminOperation({
    method: "get", path: "/v1/admin/dealers/:id", tag: "dealers", roles: CRM_ADMIN, summary: "Read a dealer",
    responses: { 200: { description: "The dealer", schema: dealerSchema } }, errors: errors(404),
  }),
  adminOperation({
    method: "patch", path: "/v1/admin/dealers/:id", tag: "dealers", roles: CRM_ADMIN, summary: "Change a dealer's name, country or transfer safeguard",
    description: "transferSafeguard null removes it. Status changes only through suspend and reinstate. Audited (dealer.update).",
    body: { schema: updateDealerSchema, required: true },
    responses: { 200: { description: "The dealer", schema: dealerSchema } }, errors: errors(404),
  }),
  STATUS_CHANGE("suspend", "Every token of the dealer stops working on its next request, on every gateway process; 409 when already suspended."),
  STATUS_CHANGE("reinstate", "409 when the dealer is active."),
  adminOperation({
    method: "post", path: "/v1/admin/dealers/:id/credentials", tag: "credentials", roles: CRM_ADMIN, summary: "Create a client credential",
    description: "The secret is shown once, in this response; only its scrypt hash is kept. A dealer may hold several credentials to rotate without downtime. Audited (credential.create).",
    body: { schema: createCredentialSchema, required: false },
    responses: { 201: { description: "The client id and its secret", schema: createdCredentialSchema, headers: ["Location", "Cache-Control"] } },
    errors: errors(404),
  }),
  adminOperation({
    method: "get", path: "/v1/admin/dealers/:id/credentials", tag: "credentials", roles: CRM_ADMIN, summary: "List a dealer's credentials, without secrets",
    responses: { 200: { description: "Live and revoked credentials, oldest first", schema: list(credentialSchema) } }, errors: errors(404),
  }),
  adminOperation({
    method: "get", path: "/v1/admin/dealers/:id/credentials/:clientId", tag: "credentials", roles: CRM_ADMIN, summary: "Read a credential",
    responses: { 200: { description: "The credential, without its secret", schema: credentialSchema } }, errors: errors(404),
  }),
  adminOperation({
    method: "delete", path: "/v1/admin/dealers/:id/credentials/:clientId", tag: "credentials", roles: CRM_ADMIN, summary: "Revoke a credential",
    description: "Tokens issued with it stop working on their next request. 409 when already revoked. Audited (credential.revoke).",
    responses: { 204: { description: "Revoked" } }, errors: errors(404, 409),
  }),
  adminOperation({
    method: "put", path: "/v1/admin/dealers/:id/grants/:purpose", tag: "grants", roles: CRM_ADMIN, summary: "Grant a purpose to a dealer",
    description: "fields, when given, must be a subset of the purpose's fields; expiresAt must lie ahead; write (default false) lets the dealer register purchases, warranties and marketing preferences and is refused (400) on any purpose but record_accuracy. Replaces a live grant for the purpose (200), else creates one (201). Audited (grant.put).",
    body: { schema: anyGrantBody, required: false },
    responses: {
      200: { description: "The grant, replacing a live one", schema: grantSchema },
      201: { description: "The grant", schema: grantSchema },
    },
    errors: { ...errors(404), 400: ["validation_failed", "invalid_purpose"] },
  }),
  adminOperation({
    method: "delete", path: "/v1/admin/dealers/:id/grants/:purpose", tag: "grants", roles: CRM_ADMIN, summary: "Revoke a dealer's grant for a purpose",
    description: "Takes effect on the dealer's next request; the dealer's feed gets grant.revoked. Audited (grant.revoke).",
    responses: { 204: { description: "Revoked" } },
    errors: { ...errors(404), 400: ["validation_failed", "invalid_purpose"] },
  }),
  adminOperation({
    method: "get", path: "/v1/admin/dealers/:id/grants", tag: "grants", roles: CRM_ADMIN, summary: "List a dealer's grants",
    description: "Live grants; with include=revoked, every grant ever given, expired and revoked ones too.",
    query: listGrantsQuery,
    responses: { 200: { description: "The grants", schema: list(grantSchema) } }, errors: errors(404),
  }),
];
