import type { Role } from "../../admin-users/admin-user.entity";
import { lookupQuery } from "../../audit/lookup-routes";
import { consentDefaultsSchema, noQuery } from "../../consents/consent-routes";
import { adminOperation, type Operation } from "../operation";
import { adminUserChoicesSchema, customerChoicesSchema, dealerChoicesSchema } from "../audit-response-schemas";

const PICKERS: Role[] = ["crm_admin", "compliance_auditor"];
const lookup = (what: string, path: string, summary: string, description: string, schema: typeof dealerChoicesSchema | typeof customerChoicesSchema | typeof adminUserChoicesSchema): Operation =>
  adminOperation({
    method: "get", path: `/v1/admin/lookup/${path}`, tag: "compliance", roles: PICKERS, summary,
    description: `${description} For pickers that search as you type; with ids= instead of q, the named ones (up to 20), to show the names of choices already made. Read-only. Audited (lookup.${what}) with the ids returned, never the text typed.`,
    query: lookupQuery,
    responses: { 200: { description: "The matches", schema, headers: ["Cache-Control"] } }, errors: {},
  });

/** What the console's forms start from and pick from. */
export const LOOKUP_OPERATIONS: Operation[] = [
  adminOperation({
    method: "get", path: "/v1/admin/consent-defaults", tag: "consents", roles: ["crm_admin"], summary: "What a new consent starts from",
    description: "The privacy policy version configured for new consents (PRIVACY_POLICY_VERSION). Not audited: it holds configuration, no data.",
    query: noQuery, responses: { 200: { description: "The defaults", schema: consentDefaultsSchema } }, errors: {},
  }),
  lookup("dealers", "dealers", "Find dealers by name", "Dealers whose name contains q (case and accents ignored).", dealerChoicesSchema),
  lookup("customers", "customers", "Find customers by reference, e-mail or name",
    "Customers whose external reference starts with q, whose e-mail is q, or whose name contains q. Only the id, the reference and the name are returned; erased customers never match.", customerChoicesSchema),
  lookup("admin_users", "admin-users", "Find admin users by username", "Admin users whose username contains q: their id and username only.", adminUserChoicesSchema),
];
