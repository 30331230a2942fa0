import type { z } from "zod";
import type { adminUserChoicesSchema, customerChoicesSchema, dealerChoicesSchema } from "../../../src/openapi/audit-response-schemas";
import { get, query } from "./http";

export type DealerChoice = z.infer<typeof dealerChoicesSchema>["items"][number];
export type CustomerChoice = z.infer<typeof customerChoicesSchema>["items"][number];
export type AdminUserChoice = z.infer<typeof adminUserChoicesSchema>["items"][number];

/** Search-as-you-type look-ups, open to CRM admins and auditors alike: ids and names only. */
/** By text typed (`q`), or by the ids of choices already made (`ids`), to show their names again. */
export type LookupRequest = { q: string } | { ids: string[] };
const lookupQuery = (request: LookupRequest) => query("q" in request ? { q: request.q } : { ids: request.ids.join(",") });

export const lookUpDealers = (request: LookupRequest) => get<{ items: DealerChoice[] }>(`/v1/admin/lookup/dealers${lookupQuery(request)}`);
export const lookUpCustomers = (request: LookupRequest) => get<{ items: CustomerChoice[] }>(`/v1/admin/lookup/customers${lookupQuery(request)}`);
export const lookUpAdminUsers = (request: LookupRequest) => get<{ items: AdminUserChoice[] }>(`/v1/admin/lookup/admin-users${lookupQuery(request)}`);
export const consentDefaults = () => get<{ policyVersion: string | null }>("/v1/admin/consent-defaults");
