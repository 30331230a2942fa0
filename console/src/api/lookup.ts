import type { z } from "zod";
import type { adminUserChoicesSchema, customerChoicesSchema, dealerChoicesSchema } from "../../../src/openapi/audit-response-schemas";
import { get, query } from "./http";

export type DealerChoice = z.infer<typeof dealerChoicesSchema>["items"][number];
export type CustomerChoice = z.infer<typeof customerChoicesSchema>["items"][number];
export type AdminUserChoice = z.infer<typeof adminUserChoicesSchema>["items"][number];

/** Search-as-you-type look-ups, open to CRM admins and auditors alike: ids and names only. */
export const lookUpDealers = (q: string) => get<{ items: DealerChoice[] }>(`/v1/admin/lookup/dealers${query({ q })}`);
export const lookUpCustomers = (q: string) => get<{ items: CustomerChoice[] }>(`/v1/admin/lookup/customers${query({ q })}`);
export const lookUpAdminUsers = (q: string) => get<{ items: AdminUserChoice[] }>(`/v1/admin/lookup/admin-users${query({ q })}`);
export const adminUsersByIds = (ids: string[]) => get<{ items: AdminUserChoice[] }>(`/v1/admin/lookup/admin-users${query({ ids: ids.join(",") })}`);
export const consentDefaults = () => get<{ policyVersion: string | null }>("/v1/admin/consent-defaults");
