import { randomUUID } from "node:crypto";
import type { TestGateway } from "./gateway";

/**
 * Builders that set up data through the real admin API, the way a CRM admin would.
 * Each returns the response body; each test creates its own rows.
 */
export type Purpose = "service_delivery" | "in_store_experience" | "record_accuracy" | "relationship_management";

const bearer = async (gw: TestGateway) => ({ Authorization: `Bearer ${await gw.adminToken()}` });

async function expectStatus<T>(request: Promise<{ status: number; body: unknown; text: string }>, status: number, what: string): Promise<T> {
  const response = await request;
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status}: ${response.text}`);
  return response.body as T;
}

export interface DealerBody { id: string; name: string; country: string; status: string; transferSafeguard?: string | null }
export interface CredentialBody { clientId: string; clientSecret: string }
export interface GrantBody { id: string; purpose: string; fields: string[] | null; expiresAt: string | null; write: boolean }
export interface CustomerBody { id: string; externalRef: string; status: string; email?: string; phone?: string; name: { given: string; family: string } }
export interface ConsentBody { id: string; status: string; purposes: string[]; dealerId: string; customerId: string; expiresAt: string | null }
export interface TokenBody { access_token: string; token_type: string; expires_in: number; scope: string }

export async function createDealer(gw: TestGateway, body: Partial<{ name: string; country: string; transferSafeguard: string }> = {}): Promise<DealerBody> {
  return expectStatus(gw.http.post("/v1/admin/dealers").set(await bearer(gw)).send({ name: `Dealer ${randomUUID().slice(0, 8)}`, country: "FR", ...body }), 201, "create dealer");
}

export async function createCredential(gw: TestGateway, dealerId: string): Promise<CredentialBody> {
  return expectStatus(gw.http.post(`/v1/admin/dealers/${dealerId}/credentials`).set(await bearer(gw)).send({}), 201, "create credential");
}

export async function putGrant(gw: TestGateway, dealerId: string, purpose: Purpose, body: { fields?: string[]; expiresAt?: string; write?: boolean } = {}): Promise<GrantBody> {
  const response = await gw.http.put(`/v1/admin/dealers/${dealerId}/grants/${purpose}`).set(await bearer(gw)).send(body);
  if (response.status !== 200 && response.status !== 201) throw new Error(`put grant: expected 200 or 201, got ${response.status}: ${response.text}`);
  return response.body as GrantBody;
}

export function customerRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const tag = randomUUID().slice(0, 8);
  return {
    externalRef: `CRM-${tag}`,
    name: { given: "Amélie", family: `Durand-${tag}`, salutation: "Mme" },
    email: `amelie.${tag}@example.com`,
    phone: `+3361${String(parseInt(tag, 16) % 10_000_000).padStart(7, "0")}`,
    postalAddress: { line1: "12 rue de la Paix", postalCode: "75002", city: "Paris", country: "FR" },
    birthDate: "1984-03-09",
    preferredLanguage: "fr-FR",
    preferredBoutique: "Paris Vendôme",
    interests: ["watches", "high jewellery"],
    marketingPreferences: { email: true, phone: false, post: true, sms: false },
    purchases: [{ id: `P-${tag}`, date: "2025-12-01", productRef: "REF-5711", serialNumber: `SN-${tag}`, soldBy: "Paris Vendôme", amount: 32000, currency: "EUR" }],
    warranties: [{ serialNumber: `SN-${tag}`, productRef: "REF-5711", startsOn: "2025-12-01", endsOn: "2030-12-01", extended: false }],
    serviceOrders: [{ id: `SO-${tag}`, productRef: "REF-5711", status: "open", openedAt: "2026-02-01T09:30:00Z" }],
    ...overrides,
  };
}

export async function createCustomer(gw: TestGateway, overrides: Record<string, unknown> = {}): Promise<CustomerBody> {
  return expectStatus(gw.http.post("/v1/admin/customers").set(await bearer(gw)).send(customerRecord(overrides)), 201, "create customer");
}

export async function recordConsent(
  gw: TestGateway,
  customerId: string,
  body: { dealerId: string; purposes: Purpose[]; expiresAt?: string; channel?: string },
): Promise<ConsentBody> {
  return expectStatus(
    gw.http.post(`/v1/admin/customers/${customerId}/consents`).set(await bearer(gw)).send({ channel: "boutique", evidenceRef: `EV-${randomUUID().slice(0, 8)}`, policyVersion: "2021-04", ...body }),
    201,
    "record consent",
  );
}

export async function dealerToken(gw: TestGateway, credential: CredentialBody, scope?: string): Promise<string> {
  const body = await expectStatus<TokenBody>(
    gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: credential.clientSecret, ...(scope ? { scope } : {}) }),
    200,
    "dealer token",
  );
  return body.access_token;
}

export interface DealerWithAccess {
  dealer: DealerBody;
  credential: CredentialBody;
  customer: CustomerBody;
  consent: ConsentBody;
  grant: GrantBody;
  token: string;
}

/** A dealer that may read one consenting customer for `purpose`: the allowed path, end to end. */
export async function dealerWithAccess(
  gw: TestGateway, purpose: Purpose = "service_delivery", options: { country?: string; transferSafeguard?: string; write?: boolean } = {},
): Promise<DealerWithAccess> {
  const dealer = await createDealer(gw, { country: options.country ?? "FR", ...(options.transferSafeguard ? { transferSafeguard: options.transferSafeguard } : {}) });
  const credential = await createCredential(gw, dealer.id);
  const grant = await putGrant(gw, dealer.id, purpose, options.write ? { write: true } : {});
  const customer = await createCustomer(gw);
  const consent = await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: [purpose] });
  const token = await dealerToken(gw, credential);
  return { dealer, credential, customer, consent, grant, token };
}
