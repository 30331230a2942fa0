import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_HTML_CSP } from "../src/audit/report-print/report-html";
import { createCredential, createCustomer, createDealer, dealerToken, putGrant, recordConsent, type CustomerBody, type DealerBody } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { auditGet, eventsWhere } from "./audit.support";
import { countRows } from "./support/db-state";

let gw: TestGateway;
let dealer: DealerBody;
let dutch: CustomerBody;
let french: CustomerBody;
let unspoken: CustomerBody;

const report = (customerId: string, query = "", status = 200, headers: Record<string, string> = { Accept: "text/html" }) =>
  auditGet(gw, `/v1/audit/customers/${customerId}/report${query}`, status, headers);

beforeAll(async () => {
  gw = await startTestGateway();
  dealer = await createDealer(gw, { name: `Juwelier <b>"Van Dam"</b> & Zn ${Date.now()}`, country: "NL" });
  await putGrant(gw, dealer.id, "service_delivery", { fields: ["name", "email", "serviceOrders"] });
  const token = await dealerToken(gw, await createCredential(gw, dealer.id));
  dutch = await createCustomer(gw, { preferredLanguage: "nl-NL", name: { given: "Sanne", family: "<script>alert(1)</script>" }, postalAddress: { line1: "P.C. Hooftstraat 1", postalCode: "1071 BM", city: "Amsterdam", country: "NL" } });
  french = await createCustomer(gw, { preferredLanguage: "fr-CH" });
  unspoken = await createCustomer(gw, { preferredLanguage: undefined });
  for (const customer of [dutch, french, unspoken]) await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"], channel: "dealer_store" });
  gw.clock.advance(60_000);
  await gw.http.get(`/v1/customers/${dutch.id}?purpose=service_delivery`).auth(token, { type: "bearer" }).expect(200);
}, 120_000);
afterAll(async () => {
  await gw?.stop();
});

describe("GET /v1/audit/customers/{id}/report as a printable page", () => {
  it("when asked with Accept: text/html, then the report is a page in the customer's language, with the dealer by name and purposes and fields in words", async () => {
    const response = await report(dutch.id);
    expect(response.headers["content-type"]).toMatch(/^text\/html; charset=utf-8/);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers["content-security-policy"]).toBe(REPORT_HTML_CSP);
    const html = response.text;
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain("Dealers die uw gegevens hebben ontvangen");
    expect(html).toContain("het leveren van de diensten waar u om vroeg");
    expect(html).toContain("naam, e-mailadres en serviceopdrachten");
    expect(html).toContain("uw gegevens werden ingezien");
    expect(html).toContain("in de winkel van een dealer");
    expect(html).toContain("Nederland");
    expect(html).toContain(dutch.externalRef);
    expect(html).not.toContain("service_delivery");
  });

  it("when names hold markup, then every value is escaped and the page has no script", async () => {
    const html = (await report(dutch.id)).text;
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("Juwelier &lt;b&gt;&quot;Van Dam&quot;&lt;/b&gt; &amp; Zn");
    expect(html).not.toContain("<b>");
    expect(REPORT_HTML_CSP).toContain("default-src 'none'");
    expect(REPORT_HTML_CSP).not.toContain("unsafe-inline");
  });

  it("when the record's language is French, then the page is French; without one, lang chooses, else English", async () => {
    const frenchPage = (await report(french.id, "?format=html", 200, {})).text;
    expect(frenchPage).toContain('<html lang="fr">');
    expect(frenchPage).toContain("Vos consentements");
    expect(frenchPage).toContain("fournir les services que vous avez demandés");
    // The record's own language wins over the one asked for.
    expect((await report(french.id, "?lang=nl")).text).toContain('<html lang="fr">');
    expect((await report(unspoken.id, "?lang=nl")).text).toContain('<html lang="nl">');
    const english = (await report(unspoken.id)).text;
    expect(english).toContain('<html lang="en">');
    expect(english).toContain("No dealer has received your data through the gateway.");
  });

  it("when the page is made, then an audit.report event records the format, as for the JSON report", async () => {
    const response = await report(unspoken.id, "?lang=fr");
    const [event] = await eventsWhere<{ action: string; customer_id: string | null; detail: string }>(gw, "request_id = ?", [response.headers["x-request-id"]]);
    expect(event!.action).toBe("audit.report");
    expect(JSON.parse(event!.detail)).toEqual({ customerId: unspoken.id, format: "html", lang: "fr" });
  });

  it("when the JSON is asked for, then it is unchanged; bad parameters, unknown customers and anonymous callers are refused", async () => {
    const json = await report(dutch.id, "", 200, { Accept: "application/json" });
    expect(json.body).toMatchObject({ customerId: dutch.id });
    const before = await countRows(gw, "audit_events");
    await report(dutch.id, "?lang=de", 400);
    await report(dutch.id, "?format=pdf", 400);
    await report(dutch.id, "", 406, { Accept: "image/png" });
    expect(await countRows(gw, "audit_events")).toBe(before);
    await report("00000000-0000-4000-8000-000000000000", "", 404);
    const anonymous = await gw.http.get(`/v1/audit/customers/${dutch.id}/report`).set({ Accept: "text/html" });
    expect(anonymous.status).toBe(401);
  });
});
