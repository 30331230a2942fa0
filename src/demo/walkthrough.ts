import type { DemoDataset } from "./seed-demo";

/** Shell variables the walkthrough fills with tokens, one per actor. */
export type TokenVariable = "FR_TOKEN" | "US_TOKEN" | "JP_TOKEN" | "CRM_TOKEN" | "AUDIT_TOKEN";

export interface TokenStep {
  kind: "token";
  title: string;
  variable: TokenVariable;
  via: { type: "client_secret_basic"; clientId: string; clientSecret: string } | { type: "login"; username: string; password: string };
}

export interface RequestStep {
  kind: "request";
  title: string;
  method: "GET" | "POST";
  path: string;
  token: TokenVariable;
  body?: Record<string, unknown>;
  /** What the gateway answers, printed next to the command and checked by the demo's test. */
  expect: { status: number; code?: string };
}

export type WalkthroughStep = TokenStep | RequestStep;

const customerPath = (id: string, purpose: string) => `/v1/customers/${id}?purpose=${purpose}`;

/** The tour of the gateway's promises, in order, with the real ids and secrets of the seeded dataset. */
export function buildWalkthrough(dataset: DemoDataset): WalkthroughStep[] {
  const { dealers, customers, users } = dataset;
  const { reader } = customers;
  return [
    { kind: "token", title: "The French dealer's POS integration obtains a token (OAuth 2.0 client credentials)", variable: "FR_TOKEN",
      via: { type: "client_secret_basic", clientId: dealers.fr.clientId, clientSecret: dealers.fr.clientSecret } },
    { kind: "request", title: `Allowed: ${reader.externalRef} consented to this dealer for service_delivery; only that purpose's fields come back`,
      method: "GET", path: customerPath(reader.id, "service_delivery"), token: "FR_TOKEN", expect: { status: 200 } },
    { kind: "request", title: "Same customer for in_store_experience: the dealer's grant narrows it to name, preferredLanguage and interests",
      method: "GET", path: customerPath(reader.id, "in_store_experience"), token: "FR_TOKEN", expect: { status: 200 } },
    { kind: "request", title: "Refused: this dealer holds no grant for record_accuracy",
      method: "GET", path: customerPath(reader.id, "record_accuracy"), token: "FR_TOKEN", expect: { status: 403, code: "purpose_not_granted" } },
    { kind: "request", title: `Not found: ${customers.unconsented.externalRef} exists but never consented to this dealer`,
      method: "GET", path: customerPath(customers.unconsented.id, "service_delivery"), token: "FR_TOKEN", expect: { status: 404, code: "not_found" } },
    { kind: "request", title: `The same 404 for ${customers.restricted.externalRef}, whose processing is restricted`,
      method: "GET", path: customerPath(customers.restricted.id, "service_delivery"), token: "FR_TOKEN", expect: { status: 404, code: "not_found" } },
    { kind: "request", title: `The same 404 for ${customers.expired.externalRef}, whose consent expired seconds after it was recorded`,
      method: "GET", path: customerPath(customers.expired.id, "service_delivery"), token: "FR_TOKEN", expect: { status: 404, code: "not_found" } },
    { kind: "token", title: "The US dealer obtains a token", variable: "US_TOKEN",
      via: { type: "client_secret_basic", clientId: dealers.us.clientId, clientSecret: dealers.us.clientSecret } },
    { kind: "request", title: `Refused: ${customers.usCustomer.externalRef} consented, but no transfer safeguard is on file for the United States`,
      method: "GET", path: customerPath(customers.usCustomer.id, "service_delivery"), token: "US_TOKEN", expect: { status: 403, code: "transfer_safeguard_missing" } },
    { kind: "token", title: "The Japanese dealer, which has standard contractual clauses on file, obtains a token", variable: "JP_TOKEN",
      via: { type: "client_secret_basic", clientId: dealers.jp.clientId, clientSecret: dealers.jp.clientSecret } },
    { kind: "request", title: `Allowed outside the EEA: ${customers.jpCustomer.externalRef} consented and the SCCs are on file`,
      method: "GET", path: customerPath(customers.jpCustomer.id, "relationship_management"), token: "JP_TOKEN", expect: { status: 200 } },
    { kind: "token", title: `The CRM desk (${users.crm.username}, role crm_admin) logs in`, variable: "CRM_TOKEN",
      via: { type: "login", username: users.crm.username, password: users.crm.password } },
    { kind: "request", title: `${reader.externalRef} withdraws the consent`,
      method: "POST", path: `/v1/admin/consents/${reader.consentId}/withdraw`, token: "CRM_TOKEN",
      body: { reason: "customer withdrew by e-mail" }, expect: { status: 200 } },
    { kind: "request", title: "The very next read by the French dealer: 404, with the same token",
      method: "GET", path: customerPath(reader.id, "service_delivery"), token: "FR_TOKEN", expect: { status: 404, code: "not_found" } },
    { kind: "request", title: "The dealer's consent-events feed, acknowledged after its last sync, now tells it to purge: consent.withdrawn for both purposes",
      method: "GET", path: "/v1/consent-events", token: "FR_TOKEN",
      expect: { status: 200 } },
    { kind: "request", title: "Need to know: the CRM desk may not read the audit log",
      method: "GET", path: `/v1/audit/events?customerId=${reader.id}`, token: "CRM_TOKEN", expect: { status: 403, code: "forbidden" } },
    { kind: "token", title: `The compliance officer (${users.compliance.username}, role compliance_auditor) logs in`, variable: "AUDIT_TOKEN",
      via: { type: "login", username: users.compliance.username, password: users.compliance.password } },
    { kind: "request", title: `Every access to ${reader.externalRef}, allowed or denied, newest first`,
      method: "GET", path: `/v1/audit/events?customerId=${reader.id}`, token: "AUDIT_TOKEN", expect: { status: 200 } },
    { kind: "request", title: "The data-subject access report: which dealer received what, when, for which purpose, and the consent history",
      method: "GET", path: `/v1/audit/customers/${reader.id}/report`, token: "AUDIT_TOKEN", expect: { status: 200 } },
    { kind: "request", title: "The audit chain is intact",
      method: "GET", path: "/v1/audit/verify", token: "AUDIT_TOKEN", expect: { status: 200 } },
  ];
}
