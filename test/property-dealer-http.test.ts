import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asAdmin, auditOf, readCustomer } from "./dealer-api.support";
import { accessOracle, expectedDenials, PURPOSE_FIELDS, type OracleInput } from "./support/access-oracle";
import { createCredential, createCustomer, createDealer, customerRecord, putGrant, recordConsent, type Purpose, type TokenBody } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";

/**
 * Contract 1.1 to 1.4 through the real HTTP stack: random states are built through the admin API the
 * way a CRM admin would, then the dealer reads. The answer must be 200 exactly when the oracle
 * allows, carry only allowed fields, and every denial must leave exactly one audit event with the
 * real reason. A second dealer, holding every grant, probes each customer (OWASP API1).
 */
const RUNS = 30;
const MINUTE = 60_000;
/** Expiries are set this far ahead, then the clock jumps STEP: "soon" has passed, "later" has not. */
const SOON = 1 * MINUTE;
const LATER = 10 * MINUTE;
const STEP = 5 * MINUTE;

/** The purpose every scenario's dealer holds besides the one under test, so a token can be narrowed to it. */
const SIDE_PURPOSE: Purpose = "relationship_management";
const TESTED_PURPOSES: Purpose[] = ["service_delivery", "record_accuracy"];
const OPTIONAL_FIELDS = ["phone", "postalAddress", "birthDate", "preferredLanguage", "preferredBoutique", "interests", "marketingPreferences", "purchases", "warranties", "serviceOrders"];

type Expiry = "none" | "soon" | "later";
type ConsentKind = "none" | "active" | "withdrawn" | "soon" | "later" | "other_dealer" | "other_purpose";

/** The value that lets access through most of the time, so that allowed reads are common among the draws. */
const mostly = <T>(usual: T, ...others: T[]) => fc.oneof({ weight: 6, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });

const scenario = fc.record({
  country: mostly("FR", "CH", "NO", "US", "JP", "GB"),
  safeguard: fc.constantFrom<"adequacy" | "scc" | undefined>(undefined, undefined, "adequacy", "scc"),
  suspended: mostly(false, true),
  credentialRevoked: mostly(false, true),
  purpose: fc.constantFrom(...TESTED_PURPOSES),
  grant: fc.oneof(
    { weight: 8, arbitrary: fc.record({
      fields: fc.option(fc.constantFrom(...TESTED_PURPOSES).chain((purpose) => fc.subarray(PURPOSE_FIELDS[purpose]!, { minLength: 1 })), { nil: undefined, freq: 2 }),
      expiry: mostly<Expiry>("none", "soon", "later"),
      revoked: mostly(false, true),
    }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ),
  narrowToken: mostly(false, true),
  asked: mostly<"tested" | "side" | "ungranted" | "unknown">("tested", "side", "ungranted", "unknown"),
  customerStatus: mostly("active", "restricted", "erased"),
  consent: mostly<ConsentKind>("active", "none", "withdrawn", "soon", "later", "other_dealer", "other_purpose"),
  missingFields: fc.subarray(OPTIONAL_FIELDS, { maxLength: 4 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Always tried first: the allowed path with a narrowed grant, whatever the random draws bring. */
const ALLOWED: Scenario = {
  country: "FR", safeguard: undefined, suspended: false, credentialRevoked: false, purpose: "record_accuracy",
  grant: { fields: ["name", "birthDate", "email"], expiry: "later", revoked: false }, narrowToken: false, asked: "tested",
  customerStatus: "active", consent: "active", missingFields: ["email"],
};

let gw: TestGateway;
/** A dealer holding every purpose, probing the scenario dealers' customers. */
let intruder: { id: string; token: string };
/** A dealer that only ever receives consents, so "consented to another dealer" has someone to point at. */
let bystanderId: string;
const probed: { customerId: string; email: string }[] = [];

beforeAll(async () => {
  gw = await startTestGateway();
  const dealer = await createDealer(gw, { country: "FR" });
  for (const purpose of Object.keys(PURPOSE_FIELDS) as Purpose[]) await putGrant(gw, dealer.id, purpose);
  intruder = { id: dealer.id, token: await issueToken(await createCredential(gw, dealer.id)) };
  bystanderId = (await createDealer(gw, { country: "FR" })).id;
});
afterAll(async () => {
  await gw?.stop();
});

async function issueToken(credential: { clientId: string; clientSecret: string }, scope?: string): Promise<string> {
  const response = await gw.http.post("/oauth/token").type("form")
    .send({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: credential.clientSecret, ...(scope ? { scope } : {}) });
  expect(response.status, response.text).toBe(200);
  return (response.body as TokenBody).access_token;
}

const at = (offsetMs: number) => new Date(gw.clock.now.getTime() + offsetMs).toISOString();
const expiresAt = (choice: Expiry) => (choice === "none" ? undefined : at(choice === "soon" ? SOON : LATER));

async function expectOk(response: Promise<{ status: number; text: string }>, ...statuses: number[]): Promise<void> {
  const answered = await response;
  expect(statuses, answered.text).toContain(answered.status);
}

/** Builds the scenario through the admin API, issues the token before any revocation, and returns the oracle's view of it. */
async function build(s: Scenario) {
  const dealer = await createDealer(gw, { country: s.country, ...(s.safeguard ? { transferSafeguard: s.safeguard } : {}) });
  const credential = await createCredential(gw, dealer.id);
  await putGrant(gw, dealer.id, SIDE_PURPOSE);
  const grantFields = s.grant?.fields?.filter((field) => PURPOSE_FIELDS[s.purpose]!.includes(field));
  const grantExpires = s.grant ? expiresAt(s.grant.expiry) : undefined;
  if (s.grant) {
    const expires = grantExpires;
    await putGrant(gw, dealer.id, s.purpose, { ...(grantFields && grantFields.length > 0 ? { fields: grantFields } : {}), ...(expires ? { expiresAt: expires } : {}) });
  }

  const record = customerRecord();
  // Undefined overrides the fixture's default and is left out of the JSON body.
  for (const field of s.missingFields) record[field] = undefined;
  const customer = await createCustomer(gw, record);
  const consentPurpose: Purpose = s.consent === "other_purpose" ? SIDE_PURPOSE : s.purpose;
  const consentDealer = s.consent === "other_dealer" ? bystanderId : dealer.id;
  const consentExpiry = s.consent === "soon" ? at(SOON) : s.consent === "later" ? at(LATER) : undefined;
  const consent = s.consent === "none" ? undefined
    : await recordConsent(gw, customer.id, { dealerId: consentDealer, purposes: [consentPurpose], ...(consentExpiry ? { expiresAt: consentExpiry } : {}) });

  const token = await issueToken(credential, s.narrowToken ? `purpose:${SIDE_PURPOSE}` : undefined);
  const scopes = (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { scope: string }).scope.split(" ");

  if (s.grant?.revoked) await expectOk(asAdmin(gw, "delete", `/v1/admin/dealers/${dealer.id}/grants/${s.purpose}`), 204);
  if (s.consent === "withdrawn") await expectOk(asAdmin(gw, "post", `/v1/admin/consents/${consent!.id}/withdraw`, {}), 200);
  if (s.customerStatus === "restricted") await expectOk(asAdmin(gw, "post", `/v1/admin/customers/${customer.id}/restrict`), 200);
  if (s.customerStatus === "erased") await expectOk(asAdmin(gw, "post", `/v1/admin/customers/${customer.id}/erase`), 200);
  if (s.suspended) await expectOk(asAdmin(gw, "post", `/v1/admin/dealers/${dealer.id}/suspend`), 200);
  if (s.credentialRevoked) await expectOk(asAdmin(gw, "delete", `/v1/admin/dealers/${dealer.id}/credentials/${credential.clientId}`), 204);
  gw.clock.advance(STEP);
  const now = gw.clock.now.toISOString();

  const asked: string = { tested: s.purpose, side: SIDE_PURPOSE, ungranted: "in_store_experience", unknown: "marketing" }[s.asked];
  const grants: OracleInput["grants"][number][] = [];
  if (asked === SIDE_PURPOSE) grants.push({ id: "side", fields: null, expiresAt: null, revokedAt: null, grantedAt: now });
  if (asked === s.purpose && s.grant) {
    grants.push({ id: "tested", fields: grantFields && grantFields.length > 0 ? grantFields : null, expiresAt: grantExpires ?? null, revokedAt: s.grant.revoked ? now : null, grantedAt: now });
  }
  const consentCounts = consent && consentDealer === dealer.id && consentPurpose === asked;
  const oracle: OracleInput = {
    now,
    purpose: PURPOSE_FIELDS[asked] ? { id: asked, fields: PURPOSE_FIELDS[asked]! } : null,
    dealer: { status: s.suspended ? "suspended" : "active", country: s.country, transferSafeguard: s.safeguard ?? null },
    credential: { revokedAt: s.credentialRevoked ? now : null },
    tokenScopes: scopes,
    grants,
    customer: { status: s.customerStatus },
    consents: consentCounts ? [{ consentId: consent.id, expiresAt: consentExpiry ?? null, withdrawnAt: s.consent === "withdrawn" ? now : null }] : [],
  };
  return { customer, token, asked, oracle, record };
}

describe("property: the dealer read through HTTP agrees with the contract oracle", () => {
  it("when random states are built through the admin API, then 200 iff the oracle allows, only allowed fields leave, and each denial is audited once with its reason", async () => {
    const seen = new Set<string>();
    await fc.assert(fc.asyncProperty(scenario, async (s) => {
      const built = await build(s);
      const expected = accessOracle(built.oracle);
      const response = await readCustomer(gw, built.token, built.customer.id, built.asked);
      const events = await auditOf(gw, response);
      expect(events).toHaveLength(1);
      const [event] = events;
      seen.add(expected.allow ? "allow" : expected.reason);
      if (built.customer.email && s.customerStatus !== "erased") probed.push({ customerId: built.customer.id, email: built.customer.email });

      if (expected.allow) {
        expect(response.status, response.text).toBe(200);
        const present = new Set(Object.keys(built.record).filter((field) => built.record[field] !== undefined));
        expect(Object.keys(response.body.data).sort()).toEqual(expected.fields.filter((field) => present.has(field)).sort());
        expect(event).toMatchObject({ action: "customer.read", decision: "allow", status: 200, customer_id: built.customer.id });
        return;
      }
      expect(response.status, response.text).toBe(expected.status);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(response.body.data).toBeUndefined();
      expect(response.text).not.toContain(built.customer.externalRef);
      expect(event).toMatchObject({ decision: "deny", status: expected.status });
      if (expected.status === 401) {
        // Both a revoked credential and a suspended dealer end the token; either may be named.
        expect(event!.action).toBe("auth.bearer");
        expect(expectedDenials(built.oracle).filter((denial) => denial.status === 401).map((denial) => denial.reason)).toContain(event!.reason);
      } else {
        expect(event).toMatchObject({ action: "customer.read", reason: expected.reason });
      }
    }), { numRuns: RUNS, endOnFailure: true, examples: [[ALLOWED]] });
    // The draws reached the allowed path and the main kinds of denial.
    expect(seen).toContain("allow");
    expect([...seen].filter((reason) => reason !== "allow").length).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it("when a second dealer holding every grant probes those customers, then it gets the uniform 404, empty lookups, no list entries and no feed events", async () => {
    expect(probed.length).toBeGreaterThan(5);
    const bodies = new Set<string>();
    const probedIds = new Set(probed.map((entry) => entry.customerId));
    for (const { customerId, email } of probed) {
      for (const purpose of TESTED_PURPOSES) {
        const read = await readCustomer(gw, intruder.token, customerId, purpose);
        expect(read.status, read.text).toBe(404);
        bodies.add(JSON.stringify({ ...read.body, requestId: undefined }));
        const [event] = await auditOf(gw, read);
        expect(event).toMatchObject({ action: "customer.read", dealer_id: intruder.id, customer_id: customerId, decision: "deny" });
        expect(["consent_missing", "customer_restricted"]).toContain(event!.reason);
      }
      const lookup = await gw.http.post("/v1/customers/lookup").query({ purpose: "service_delivery" }).auth(intruder.token, { type: "bearer" }).send({ email });
      expect(lookup.status).toBe(200);
      expect(lookup.body.matches).toEqual([]);
    }
    expect(bodies.size).toBe(1);
    for (const purpose of Object.keys(PURPOSE_FIELDS)) {
      const list = await gw.http.get("/v1/customers").query({ purpose, limit: 500 }).auth(intruder.token, { type: "bearer" });
      expect(list.status).toBe(200);
      expect(list.body.items.filter((item: { id: string }) => probedIds.has(item.id))).toEqual([]);
    }
    const feed = await gw.http.get("/v1/consent-events").query({ limit: 500 }).auth(intruder.token, { type: "bearer" });
    expect(feed.status).toBe(200);
    expect(feed.body.items.filter((item: { customerId?: string }) => item.customerId && probedIds.has(item.customerId))).toEqual([]);
    // The intruder cannot acknowledge a scenario dealer's events either.
    const foreign: { seq: number }[] = await gw.dataSource.query("SELECT seq FROM dealer_events WHERE dealer_id <> ? ORDER BY seq DESC LIMIT 1", [intruder.id]);
    if (foreign[0]) {
      const ack = await gw.http.post("/v1/consent-events/ack").auth(intruder.token, { type: "bearer" }).send({ upTo: String(foreign[0].seq) });
      expect(ack.status).toBe(400);
      expect(await gw.dataSource.query("SELECT * FROM dealer_event_acks WHERE dealer_id = ?", [intruder.id])).toEqual([]);
    }
  });
});
