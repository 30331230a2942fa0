import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDealer, createCustomer, dealerWithAccess, recordConsent, type DealerWithAccess } from "./support/fixtures";
import { createTestDatabase, DATABASE_VARIANTS, TEST_DB, type DatabaseVariant, type TestDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { schemaSnapshot } from "./support/schema-snapshot";

/**
 * The gateway behaves the same whatever default character set and collation the operator's database
 * has: with the server's defaults, latin1, utf8mb4_bin and utf8mb4_unicode_520_ci. On SQLite the same
 * checks run once, on the one kind of database there is.
 */
const VARIANTS = (TEST_DB === "mysql" ? Object.keys(DATABASE_VARIANTS) : ["server defaults"]) as DatabaseVariant[];

const NAMES = {
  given: "Zoë 👑 Ångström",
  family: "李小龍-Ñúñez Øre 🇯🇵",
  dealer: "Maison Émeraude 東京 💎",
};

/** The schema of the first variant; every other variant must have the same. */
let reference: string[] | undefined;

describe.each(VARIANTS)("a gateway on a database created with %s", (variant) => {
  let database: TestDatabase;
  let gw: TestGateway;
  let access: DealerWithAccess;
  let admin: { Authorization: string };

  beforeAll(async () => {
    database = await createTestDatabase(TEST_DB, variant);
    gw = await startTestGateway({ database });
    access = await dealerWithAccess(gw);
    admin = { Authorization: `Bearer ${await gw.adminToken()}` };
  });
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  const lookup = (email: string) => gw.http.post("/v1/customers/lookup").query({ purpose: "service_delivery" }).auth(access.token, { type: "bearer" }).send({ email });
  const byExternalRef = (externalRef: string) => gw.http.get("/v1/admin/customers").query({ externalRef }).set(admin).expect(200);

  it("when it has started, then the schema is the same as on every other variant and the entities match it", async () => {
    const snapshot = await schemaSnapshot(gw.dataSource);
    reference ??= snapshot;
    expect(snapshot).toEqual(reference);
    const diff = (await gw.dataSource.driver.createSchemaBuilder().log()).upQueries.map((query) => query.query);
    if (TEST_DB === "mysql") expect(diff, diff.join("\n")).toEqual([]);
  });

  it("when two external references differ only in letter case, then they are two customers, each found only by its own", async () => {
    const tag = randomUUID().slice(0, 8);
    const upper = await createCustomer(gw, { externalRef: `CRM-Case-${tag}` });
    const lower = await createCustomer(gw, { externalRef: `crm-case-${tag}` });
    expect(lower.id).not.toBe(upper.id);
    expect((await byExternalRef(`CRM-Case-${tag}`)).body.items.map((item: { id: string }) => item.id)).toEqual([upper.id]);
    expect((await byExternalRef(`crm-case-${tag}`)).body.items.map((item: { id: string }) => item.id)).toEqual([lower.id]);
    expect((await byExternalRef(`CRM-CASE-${tag}`)).body.items).toEqual([]);
  });

  it("when a dealer looks a customer up by e-mail in another letter case, then the customer is found", async () => {
    const tag = randomUUID().slice(0, 8);
    const customer = await createCustomer(gw, { email: `Amelie.${tag}@Example.COM` });
    await recordConsent(gw, customer.id, { dealerId: access.dealer.id, purposes: ["service_delivery"] });
    const response = await lookup(`AMELIE.${tag.toUpperCase()}@example.com`).expect(200);
    expect(response.body.matches.map((match: { id: string }) => match.id)).toEqual([customer.id]);
    const found = await gw.http.get("/v1/admin/customers").query({ email: `amelie.${tag}@EXAMPLE.com` }).set(admin).expect(200);
    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([customer.id]);
  });

  it("when names hold accents, CJK and emoji, then they come back intact to the admin and the dealer", async () => {
    const customer = await createCustomer(gw, { name: { given: NAMES.given, family: NAMES.family } });
    await recordConsent(gw, customer.id, { dealerId: access.dealer.id, purposes: ["service_delivery"] });
    const read = await gw.http.get(`/v1/customers/${customer.id}`).query({ purpose: "service_delivery" }).auth(access.token, { type: "bearer" }).expect(200);
    expect(read.body.data.name).toMatchObject({ given: NAMES.given, family: NAMES.family });
    const viewed = await gw.http.get(`/v1/admin/customers/${customer.id}`).set(admin).expect(200);
    expect(viewed.body.name).toMatchObject({ given: NAMES.given, family: NAMES.family });

    const dealer = await createDealer(gw, { name: NAMES.dealer });
    expect((await gw.http.get(`/v1/admin/dealers/${dealer.id}`).set(admin).expect(200)).body.name).toBe(NAMES.dealer);
  });

  it("when the client id differs only in letter case or by a trailing space, then the token endpoint refuses it", async () => {
    const { clientId, clientSecret } = access.credential;
    for (const spelling of [clientId.toUpperCase(), `${clientId} `]) {
      const response = await gw.http.post("/oauth/token").type("form")
        .send({ grant_type: "client_credentials", client_id: spelling, client_secret: clientSecret }).expect(401);
      expect(response.body.error).toBe("invalid_client");
    }
    await gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }).expect(200);
  });
});
