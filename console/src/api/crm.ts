import { del, get, patch, post, put, query } from "./http";
import type { AccessAnswer, Consent, Credential, Customer, Dealer, Grant, IssuedCredential, MarketingHistory, Page, Purpose } from "./types";

const dealerPath = (id: string) => `/v1/admin/dealers/${encodeURIComponent(id)}`;
const customerPath = (id: string) => `/v1/admin/customers/${encodeURIComponent(id)}`;

export const listPurposes = () => get<Page<Purpose>>("/v1/purposes");

export const listDealers = (filter: { status?: string; country?: string; cursor?: string } = {}) =>
  get<Page<Dealer>>(`/v1/admin/dealers${query({ ...filter, limit: 200 })}`);
export const getDealer = (id: string) => get<Dealer>(dealerPath(id));
export const createDealer = (body: { name: string; country: string; transferSafeguard?: string }) => post<Dealer>("/v1/admin/dealers", body);
export const updateDealer = (id: string, body: { name?: string; country?: string; transferSafeguard?: string | null }) => patch<Dealer>(dealerPath(id), body);
export const setDealerStatus = (id: string, verb: "suspend" | "reinstate") => post<Dealer>(`${dealerPath(id)}/${verb}`);

export const listCredentials = (dealerId: string) => get<Page<Credential>>(`${dealerPath(dealerId)}/credentials`);
export const issueCredential = (dealerId: string) => post<IssuedCredential>(`${dealerPath(dealerId)}/credentials`);
export const revokeCredential = (dealerId: string, clientId: string) => del(`${dealerPath(dealerId)}/credentials/${encodeURIComponent(clientId)}`);

export const listGrants = (dealerId: string) => get<Page<Grant>>(`${dealerPath(dealerId)}/grants`);
export const putGrant = (dealerId: string, purpose: string, body: { fields?: string[]; expiresAt?: string; write?: boolean }) =>
  put<Grant>(`${dealerPath(dealerId)}/grants/${encodeURIComponent(purpose)}`, body);
export const revokeGrant = (dealerId: string, purpose: string) => del(`${dealerPath(dealerId)}/grants/${encodeURIComponent(purpose)}`);

export const findCustomers = (by: "externalRef" | "email", value: string) => get<Page<Customer>>(`/v1/admin/customers${query({ [by]: value })}`);
export const getCustomer = (id: string) => get<Customer>(customerPath(id));
export const createCustomer = (body: Record<string, unknown>) => post<Customer>("/v1/admin/customers", body);
export const updateCustomer = (id: string, body: Record<string, unknown>) => patch<Customer>(customerPath(id), body);
export const changeCustomerState = (id: string, verb: "restrict" | "unrestrict" | "erase", body: { reason?: string } = {}) => post<Customer>(`${customerPath(id)}/${verb}`, body);

export const getMarketingPreferences = (customerId: string) => get<MarketingHistory>(`${customerPath(customerId)}/marketing-preferences`);

export const listConsents = (customerId: string) => get<Page<Consent>>(`${customerPath(customerId)}/consents`);
export const recordConsent = (customerId: string, body: Record<string, unknown>) => post<Consent>(`${customerPath(customerId)}/consents`, body);
export const withdrawConsent = (consentId: string, body: { purposes?: string[]; reason?: string }) =>
  post<Consent>(`/v1/admin/consents/${encodeURIComponent(consentId)}/withdraw`, body);

export const checkAccess = (body: { dealerId: string; customerId: string; purpose: string }) => post<AccessAnswer>("/v1/admin/access-check", body);
