import type { DemoDataset } from "./seed-demo";

/** Shell variables the walkthrough fills with tokens, one per actor. */
export type TokenVariable = "FR_TOKEN" | "CH_TOKEN" | "US_TOKEN" | "JP_TOKEN" | "CRM_TOKEN" | "AUDIT_TOKEN";

export interface TokenStep {
  kind: "token";
  title: string;
  variable: TokenVariable;
  via: { type: "client_secret_basic"; clientId: string; clientSecret: string } | { type: "login"; username: string; password: string };
}

export interface RequestStep {
  kind: "request";
  title: string;
  method: "GET" | "POST" | "PUT";
  path: string;
  token: TokenVariable;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** What the gateway answers, printed next to the command and checked by the demo's test. */
  expect: { status: number; code?: string };
}

export type WalkthroughStep = TokenStep | RequestStep;

const customerPath = (id: string, purpose: string) => `/v1/customers/${id}?purpose=${purpose}`;
const writePath = (id: string, what: string) => `/v1/customers/${id}/${what}?purpose=record_accuracy`;

/** Contract 4.1: the Swiss dealer registers a sale (and retries it), a warranty and its extension, and an opt-out. */
function pointOfSaleSteps(dataset: DemoDataset): WalkthroughStep[] {
  const { dealers, customers } = dataset;
  const customer = customers.posCustomer;
  const sale = { date: "2026-06-01", productRef: "REF-5711", serialNumber: "SN-DEMO-0001", amount: 32000, currency: "CHF" };
  const warranty = { serialNumber: sale.serialNumber, productRef: sale.productRef, startsOn: sale.date, endsOn: "2028-06-01", extended: false };
  const key = (name: string) => ({ "Idempotency-Key": `demo-${name}` });
  return [
    { kind: "token", title: "The Swiss dealer, whose record_accuracy grant allows writing, obtains a token: its scope includes purpose:record_accuracy:write", variable: "CH_TOKEN",
      via: { type: "client_secret_basic", clientId: dealers.ch.clientId, clientSecret: dealers.ch.clientSecret } },
    { kind: "request", title: `Point of sale: the Swiss dealer registers a sale to ${customer.externalRef}; soldBy is set by the gateway`,
      method: "POST", path: writePath(customer.id, "purchases"), token: "CH_TOKEN", headers: key("sale-1"), body: sale, expect: { status: 201 } },
    { kind: "request", title: "The till lost the answer and retries with the same Idempotency-Key and body: the first response again (Idempotent-Replayed), no second sale",
      method: "POST", path: writePath(customer.id, "purchases"), token: "CH_TOKEN", headers: key("sale-1"), body: sale, expect: { status: 201 } },
    { kind: "request", title: "The same key with another body is refused: a new sale needs a new key",
      method: "POST", path: writePath(customer.id, "purchases"), token: "CH_TOKEN", headers: key("sale-1"), body: { ...sale, amount: 1 },
      expect: { status: 422, code: "idempotency_key_reused" } },
    { kind: "request", title: "The watch's warranty is registered",
      method: "POST", path: writePath(customer.id, "warranties"), token: "CH_TOKEN", headers: key("warranty-1"), body: warranty, expect: { status: 201 } },
    { kind: "request", title: "…and extended by three years: endsOn is replaced, one entry per serial number",
      method: "POST", path: writePath(customer.id, "warranties"), token: "CH_TOKEN", headers: key("warranty-extension-1"),
      body: { ...warranty, endsOn: "2031-06-01", extended: true }, expect: { status: 201 } },
    { kind: "request", title: "The customer asks for no more marketing, on any channel: the opt-out takes effect at once",
      method: "PUT", path: writePath(customer.id, "marketing-preferences"), token: "CH_TOKEN", headers: key("opt-out-1"),
      body: { email: false, phone: false, post: false, sms: false }, expect: { status: 200 } },
    { kind: "request", title: "Turning e-mail back on without the customer's signed request is refused",
      method: "PUT", path: writePath(customer.id, "marketing-preferences"), token: "CH_TOKEN", headers: key("opt-in-1"),
      body: { email: true, phone: false, post: false, sms: false }, expect: { status: 400, code: "validation_failed" } },
    { kind: "request", title: "The French dealer cannot write: it holds no record_accuracy grant",
      method: "POST", path: writePath(customer.id, "purchases"), token: "FR_TOKEN", headers: key("fr-sale-1"), body: sale, expect: { status: 403, code: "purpose_not_granted" } },
  ];
}

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
    ...pointOfSaleSteps(dataset),
    { kind: "token", title: `The CRM desk (${users.crm.username}, role crm_admin) logs in`, variable: "CRM_TOKEN",
      via: { type: "login", username: users.crm.username, password: users.crm.password } },
    { kind: "request", title: `${reader.externalRef} withdraws the consent`,
      method: "POST", path: `/v1/admin/consents/${reader.consentId}/withdraw`, token: "CRM_TOKEN",
      body: { reason: "customer withdrew by e-mail" }, expect: { status: 200 } },
    { kind: "request", title: "The very next read by the French dealer: 404, with the same token",
      method: "GET", path: customerPath(reader.id, "service_delivery"), token: "FR_TOKEN", expect: { status: 404, code: "not_found" } },
    { kind: "request", title: `The dealer's consent-events feed, acknowledged after its last sync, now tells it to purge (consent.withdrawn for both purposes) and that ${customers.posCustomer.externalRef} opted out at the Swiss counter (customer.marketing_updated)`,
      method: "GET", path: "/v1/consent-events", token: "FR_TOKEN",
      expect: { status: 200 } },
    { kind: "request", title: "Need to know: the CRM desk may not read the audit log",
      method: "GET", path: `/v1/audit/events?customerId=${reader.id}`, token: "CRM_TOKEN", expect: { status: 403, code: "forbidden" } },
    { kind: "token", title: `The compliance officer (${users.compliance.username}, role compliance_auditor) logs in`, variable: "AUDIT_TOKEN",
      via: { type: "login", username: users.compliance.username, password: users.compliance.password } },
    { kind: "request", title: `Every access to ${reader.externalRef}, allowed or denied, newest first`,
      method: "GET", path: `/v1/audit/events?customerId=${reader.id}`, token: "AUDIT_TOKEN", expect: { status: 200 } },
    { kind: "request", title: `${customers.posCustomer.externalRef}'s marketing preferences and their history: who recorded the opt-out, and when`,
      method: "GET", path: `/v1/admin/customers/${customers.posCustomer.id}/marketing-preferences`, token: "CRM_TOKEN", expect: { status: 200 } },
    { kind: "request", title: "The data-subject access report: which dealer received what, when, for which purpose, and the consent history",
      method: "GET", path: `/v1/audit/customers/${reader.id}/report`, token: "AUDIT_TOKEN", expect: { status: 200 } },
    { kind: "request", title: "The audit chain is intact",
      method: "GET", path: "/v1/audit/verify", token: "AUDIT_TOKEN", expect: { status: 200 } },
  ];
}
