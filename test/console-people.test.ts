import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureConsoleBuilt } from "../console/ensure-built";
import { chromiumInstalled, collectPageErrors, launchChromium, screenshot } from "./support/browser";
import { createCredential, createCustomer, createDealer, dealerToken, putGrant, recordConsent } from "./support/fixtures";
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestGateway, TestClock, type TestGateway } from "./support/gateway";

/**
 * The console for the people who use it: names instead of ids, state that is right, fields that say what
 * is wrong, a phone-width screen that never scrolls sideways, and Dutch and French.
 */
const runInBrowser = chromiumInstalled || process.env.CI === "true";
const PHONE = { width: 375, height: 812 };

describe.skipIf(!runInBrowser)("the console for compliance officers and CRM agents", { timeout: 120_000 }, () => {
  let gw: TestGateway;
  let browser: Browser;
  const pageErrors: string[] = [];
  const tag = randomUUID().slice(0, 6);
  const dealerName = `Juwelier Van Dam ${tag}`;
  let customer: { id: string; externalRef: string; name: { family: string } };
  let dealerId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    gw = await startTestGateway({ clock: new TestClock(new Date()), env: { RATE_LIMIT_PER_MINUTE: "100000" } });
    browser = await launchChromium();
    const dealer = await createDealer(gw, { name: dealerName, country: "NL" });
    dealerId = dealer.id;
    const credential = await createCredential(gw, dealer.id);
    await putGrant(gw, dealer.id, "service_delivery");
    customer = await createCustomer(gw, { externalRef: `CRM-NL-${tag}` });
    await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
    const token = await dealerToken(gw, credential);
    await gw.http.get(`/v1/customers/${customer.id}?purpose=service_delivery`).auth(token, { type: "bearer" }).expect(200);
    await gw.http.get(`/v1/customers/${customer.id}?purpose=record_accuracy`).auth(token, { type: "bearer" }).expect(403);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  async function signedIn(options: { viewport?: { width: number; height: number }; locale?: string; path?: string; url?: string } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 }, locale: options.locale ?? "en-GB", timezoneId: "Europe/Amsterdam" });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors = collectPageErrors(page);
    page.on("close", () => pageErrors.push(...errors));
    await page.goto(`${options.url ?? gw.url}/console${options.path ?? "/"}`);
    await page.locator("input[name=username]").fill(ADMIN_USERNAME);
    await page.locator("input[name=password]").fill(ADMIN_PASSWORD);
    await page.locator("form button[type=submit]").click();
    await page.locator("main h1").first().waitFor();
    return page;
  }

  it("when an officer filters the log by a dealer's name, then events show the dealer's and customer's names, each a link that filters", async () => {
    const page = await signedIn({ path: "/audit" });
    const search = page.getByRole("search", { name: "Audit search" });
    await search.getByRole("combobox", { name: "Dealer" }).fill("van dam");
    await search.getByRole("option", { name: new RegExp(dealerName) }).click();
    await search.getByRole("button", { name: "Search" }).click();
    const read = page.getByRole("row", { name: /customer\.read/ }).first();
    await read.waitFor();
    expect(await read.textContent()).toContain(dealerName);
    expect(await read.textContent()).toContain(customer.externalRef);
    expect(await read.textContent()).toMatch(/\d{2}:\d{2}:\d{2}.*(CET|CEST|GMT\+1|GMT\+2)/);
    const denied = page.getByRole("row", { name: /customer\.read/ }).filter({ hasText: "Purpose not granted" }).first();
    expect(await denied.locator(".badge").textContent()).toBe("deny");
    await screenshot(page, "people-01-audit-names");

    await read.getByRole("link", { name: customer.externalRef }).click();
    await expect.poll(() => page.url()).toContain(`customerId=${customer.id}`);
    await expect.poll(() => page.getByRole("combobox", { name: "Customer" }).inputValue()).toBe(customer.externalRef);
    await page.getByRole("row", { name: /customer\.read/ }).first().waitFor();

    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Dealer activity" }).click();
    const card = page.locator(".chart-card").filter({ hasText: dealerName });
    await card.waitFor();
    expect(await card.locator("h2").textContent()).toBe(dealerName);
    expect(await page.locator(".intro").textContent()).toContain("Europe/Amsterdam");
    await screenshot(page, "people-02-activity-names");
    await card.locator("a.chart-day").last().click();
    await expect.poll(() => page.url()).toContain("from=");
    await page.getByRole("row", { name: /customer\.read/ }).first().waitFor();
    await page.close();
  });

  it("when the report is opened from an address holding only the customer's id, then the picker shows the customer's name", async () => {
    const page = await signedIn({ path: `/audit/report?customerId=${customer.id}` });
    await expect.poll(() => page.getByRole("combobox", { name: "Customer" }).inputValue()).toBe(`Amélie ${customer.name.family} (${customer.externalRef})`);
    await page.getByRole("region", { name: "Dealers that received the data" }).filter({ hasText: dealerName }).waitFor();
    await screenshot(page, "people-07-report-by-address");
    await page.close();
  });

  it("when a customer has been erased, then the consent reads as ended by erasure", async () => {
    const dealer = await createDealer(gw, { name: `Erasure test ${tag}` });
    const erased = await createCustomer(gw);
    await recordConsent(gw, erased.id, { dealerId: dealer.id, purposes: ["in_store_experience"] });
    await gw.http.post(`/v1/admin/customers/${erased.id}/erase`).auth(await gw.adminToken(), { type: "bearer" }).expect(200);
    const page = await signedIn({ path: `/customers/${erased.id}` });
    await page.getByRole("heading", { name: "Erased customer", level: 1 }).waitFor();
    await expect.poll(() => page.locator(".consent-status").first().textContent()).toContain("withdrawn");
    expect(await page.locator(".consent-status .badge").filter({ hasText: "active" }).count()).toBe(0);
    expect(await page.locator(".timeline").first().textContent()).toContain("ended by erasure");
    await expect.poll(() => page.locator(".timeline").first().textContent()).toContain(`by admin ${ADMIN_USERNAME}`);
    await screenshot(page, "people-03-erased-consents-ended");
    await page.close();
  });

  it("when a new customer's fields are wrong, then each is marked and described on the field and nothing is sent", async () => {
    const before = (await gw.dataSource.query("SELECT COUNT(*) AS n FROM customers"))[0].n;
    const page = await signedIn({ path: "/customers" });
    const form = page.getByRole("form", { name: "Add a customer" });
    const email = form.getByRole("textbox", { name: /^Email/ });
    const phone = form.getByRole("textbox", { name: /^Phone/ });
    await email.fill("not-an-address");
    await phone.fill("12");
    await form.getByRole("button", { name: "Add customer" }).click();
    await expect.poll(() => email.getAttribute("aria-invalid")).toBe("true");
    const described = (await email.getAttribute("aria-describedby"))!.split(" ")[0]!;
    expect(await page.locator(`[id="${described}"]`).textContent()).toBe("Enter an email address such as name@example.com.");
    expect(await form.getByLabel("Given name").getAttribute("aria-invalid")).toBe("true");
    expect(await form.getByLabel("External reference").getAttribute("aria-invalid")).toBe("true");
    expect(await phone.getAttribute("aria-invalid")).toBe("true");
    expect(await form.locator(".field-error").count()).toBe(5);
    expect((await gw.dataSource.query("SELECT COUNT(*) AS n FROM customers"))[0].n).toBe(before);
    await screenshot(page, "people-04-validation");
    await page.close();
  });

  it("when the console is 375 px wide, then no page scrolls sideways and the menu folds behind a button", async () => {
    const page = await signedIn({ viewport: PHONE, path: "/audit" });
    const nav = page.getByRole("navigation", { name: "Console" });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole("button", { name: "Menu" }).click();
    expect(await nav.isVisible()).toBe(true);
    await screenshot(page, "phone-00-menu-open");
    const pages = ["/dealers", "/customers", `/customers/${customer.id}`, "/audit", "/audit/activity", `/audit/report?customerId=${customer.id}`,
      "/audit/purges", "/audit/integrity", "/access-check"];
    for (const [index, path] of pages.entries()) {
      await page.goto(`${gw.url}/console${path}`);
      await page.locator("main h1").first().waitFor();
      await page.waitForLoadState("networkidle");
      await screenshot(page, `phone-${String(index + 1).padStart(2, "0")}${path.split("?")[0]!.replace(/\//g, "-").replace(/-[0-9a-f-]{36}/, "-id")}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
    }
    await page.close();
  });

  it("when the console is 375 px wide and French, then the dealer page, its suspend dialog and the dealer's pending purges neither scroll sideways nor stay English", async () => {
    const page = await signedIn({ viewport: PHONE, locale: "fr-FR", path: `/dealers/${dealerId}` });
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.getByRole("button", { name: "Suspendre le revendeur" }).click();
    await page.getByRole("dialog", { name: `Suspendre ${dealerName} ?` }).waitFor();
    expect(await sideways()).toBeLessThanOrEqual(0);
    await screenshot(page, "phone-fr-dealer-suspend");
    await page.goto(`${gw.url}/console/audit/purges?dealerId=${dealerId}`);
    await page.getByText("Dernier accusé de réception").waitFor();
    expect(await sideways()).toBeLessThanOrEqual(0);
    await screenshot(page, "phone-fr-dealer-purges");
    await page.close();
  });

  it("when the browser speaks Dutch, then the console does, and the switcher turns it French", async () => {
    const page = await signedIn({ locale: "nl-NL", path: "/customers" });
    await page.getByRole("heading", { name: "Klanten", level: 1 }).waitFor();
    const nav = page.getByRole("navigation", { name: "Console" });
    expect(await nav.textContent()).toContain("Inzageverslag");
    expect(await page.locator("html").getAttribute("lang")).toBe("nl");
    await screenshot(page, "lang-nl-customers");
    await page.getByRole("combobox", { name: "Taal" }).selectOption("fr");
    await page.getByRole("heading", { name: "Clients", level: 1 }).waitFor();
    expect(await nav.textContent()).toContain("Journal d'audit");
    await nav.getByRole("link", { name: "Journal d'audit" }).click();
    await page.getByRole("heading", { name: "Journal d'audit", level: 1 }).waitFor();
    await page.locator("table.audit-table time").first().waitFor();
    expect(await page.locator("table.audit-table time").first().textContent()).toMatch(/\d{2}:\d{2}:\d{2}/);
    await screenshot(page, "lang-fr-audit");
    await page.close();

    const english = await signedIn({ locale: "en-US", path: "/customers" });
    await english.getByRole("heading", { name: "Customers", level: 1 }).waitFor();
    await english.close();
  });

  it("when the session nears its end, then the console warns, and a half-filled form survives signing in again", async () => {
    // Admin tokens of 20 s: inside the warning's two minutes from the start, and expired while the test waits.
    const shortLived = await startTestGateway({ clock: new TestClock(new Date()), env: { ADMIN_TOKEN_TTL_SECONDS: "20" } });
    try {
      const page = await signedIn({ path: "/customers", url: shortLived.url });
      await expect.poll(() => page.locator(".session-warning").textContent()).toMatch(/Your session ends in \d+ s/);
      const form = page.getByRole("form", { name: "Add a customer" });
      await form.getByLabel("Given name").fill("Hendrik");
      await form.getByLabel("External reference").fill(`CRM-KEPT-${tag}`);
      await screenshot(page, "people-05-session-warning");

      await page.waitForTimeout(21_000);
      const search = page.getByRole("search", { name: "Find a customer" });
      await search.getByLabel("Customer").fill("CRM");
      await search.getByRole("button", { name: "Search" }).click();
      await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
      expect(await page.getByRole("status").first().textContent()).toContain("Your unsent form was kept");
      await screenshot(page, "people-06-session-ended-form-kept");
      await page.locator("input[name=username]").fill(ADMIN_USERNAME);
      await page.locator("input[name=password]").fill(ADMIN_PASSWORD);
      await page.locator("form button[type=submit]").click();
      await page.getByRole("heading", { name: "Customers", level: 1 }).waitFor();
      const again = page.getByRole("form", { name: "Add a customer" });
      expect(await again.getByLabel("Given name").inputValue()).toBe("Hendrik");
      expect(await again.getByLabel("External reference").inputValue()).toBe(`CRM-KEPT-${tag}`);
      await page.close();
    } finally {
      await shortLived.stop();
    }
  });

  it("when every page has been used, then none reported a script error or a CSP violation", () => {
    expect(pageErrors).toEqual([]);
  });
});
