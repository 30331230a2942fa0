import fs from "node:fs";
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureConsoleBuilt } from "../console/ensure-built";
import { chromiumInstalled, collectPageErrors, launchChromium, screenshot } from "./support/browser";
import { dealerToken } from "./support/fixtures";
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestGateway, TestClock, type TestGateway } from "./support/gateway";
import type { Checkpoint } from "../console/src/api/types";
import { auditGet, integrate, writeEvent } from "./audit.support";

/**
 * The console in a real browser against a real gateway: an admin sets a dealer up, a dealer reads through
 * the API, an auditor finds and exports that read and checks the log against a checkpoint kept from it,
 * and a CRM-only admin is kept out of the audit pages.
 * Under CI a missing Chromium fails the suite instead of skipping it.
 */
const runInBrowser = chromiumInstalled || process.env.CI === "true";
const PASSWORD = "a-long-test-password-42";

// A whole browser flow per test: on a busy machine one takes longer than the suite's 30 s default.
describe.skipIf(!runInBrowser)("the console in a browser", { timeout: 90_000 }, () => {
  let gw: TestGateway;
  let browser: Browser;
  const pageErrors: string[] = [];
  const tag = randomUUID().slice(0, 6);
  const dealerName = `Maison Lemaire ${tag}`;
  const externalRef = `CRM-E2E-${tag}`;
  const auditor = `auditor-${tag}`;
  const crmOnly = `crm-${tag}`;
  let dealerId = "";
  let customerId = "";
  let credential = { clientId: "", clientSecret: "" };
  let readRequestId = "";

  beforeAll(async () => {
    ensureConsoleBuilt();
    // The browser compares token and consent times with its own clock, so the gateway's starts at the real time.
    gw = await startTestGateway({ clock: new TestClock(new Date()), env: { PRIVACY_POLICY_VERSION: "2021-04" } });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  async function openConsole(path = "/console/"): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, locale: "en-GB", timezoneId: "UTC" });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors = collectPageErrors(page);
    page.on("close", () => pageErrors.push(...errors));
    await page.goto(gw.url + path);
    return page;
  }

  async function signIn(page: Page, username: string, password: string): Promise<void> {
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
  }

  /** Types into a search-as-you-type picker and chooses the suggestion with that name: no id is ever typed. */
  async function pick(scope: Page | ReturnType<Page["getByRole"]>, label: string, text: string, option: string | RegExp): Promise<void> {
    await scope.getByRole("combobox", { name: label }).fill(text);
    await scope.getByRole("option", { name: option }).first().click();
  }

  async function goTo(page: Page, link: string): Promise<void> {
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: link }).click();
  }

  async function createAdminUser(username: string, roles: string[]): Promise<void> {
    await gw.http.post("/v1/admin/users").set("Authorization", `Bearer ${await gw.adminToken()}`)
      .send({ username, password: PASSWORD, roles }).expect(201);
  }

  it("when an admin signs in, then they create a dealer, a credential, a grant, a customer and a consent", async () => {
    const page = await openConsole();
    await screenshot(page, "01-sign-in");
    await page.getByLabel("Username").fill(ADMIN_USERNAME);
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Wrong username or password");
    await signIn(page, ADMIN_USERNAME, ADMIN_PASSWORD);

    await page.getByRole("heading", { name: "Dealers", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Add a dealer" }).click();
    const addDealer = page.getByRole("form", { name: "Add a dealer" });
    await addDealer.getByLabel("Name").fill(dealerName);
    await addDealer.getByLabel("Country").fill("ch");
    await addDealer.getByRole("button", { name: "Add dealer" }).click();
    await page.getByRole("heading", { name: dealerName, level: 1 }).waitFor();
    dealerId = page.url().split("/dealers/")[1]!;
    expect(dealerId).toMatch(/^[0-9a-f-]{36}$/);

    await page.getByRole("button", { name: "Issue credential" }).click();
    const secretBox = page.getByRole("region", { name: "New credential" });
    await secretBox.waitFor();
    credential = { clientId: await page.getByLabel("Client id", { exact: true }).inputValue(), clientSecret: await page.getByLabel("Client secret", { exact: true }).inputValue() };
    expect(credential.clientId).toMatch(/^dlr_/);
    await expect.poll(() => secretBox.getByRole("button", { name: "Copy client secret" }).isVisible()).toBe(true);
    await screenshot(page, "03-dealer-secret-shown-once");
    await page.getByRole("button", { name: "I have stored the secret" }).click();
    await expect.poll(() => page.content()).not.toContain(credential.clientSecret);

    const grantForm = page.getByRole("form", { name: "Grant a purpose" });
    await grantForm.getByLabel("Purpose").selectOption("service_delivery");
    await grantForm.getByRole("checkbox", { name: "phone" }).uncheck();
    await grantForm.getByRole("button", { name: "Grant purpose" }).click();
    await page.getByRole("status").filter({ hasText: "Service delivery granted" }).waitFor();
    await expect.poll(() => page.getByRole("row", { name: /service delivery/i }).textContent()).toContain("Warranties");
    await screenshot(page, "04-dealer-page");

    await goTo(page, "Dealers");
    await page.getByRole("link", { name: dealerName }).waitFor();
    await screenshot(page, "02-dealers");

    await goTo(page, "Customers");
    const addCustomer = page.getByRole("form", { name: "Add a customer" });
    await addCustomer.getByLabel("External reference").fill(externalRef);
    await addCustomer.getByLabel("Salutation").fill("Mme");
    await addCustomer.getByLabel("Given name").fill("Amélie");
    await addCustomer.getByLabel("Family name").fill("Durand");
    await addCustomer.getByRole("textbox", { name: /^Email/ }).fill(`amelie.${tag}@example.com`);
    // National form: the address's country makes it +41223100000.
    await addCustomer.getByRole("textbox", { name: /^Phone/ }).fill("022 310 00 00");
    await addCustomer.getByRole("textbox", { name: /^Address \(/ }).fill("Rue du Rhône 12");
    await addCustomer.getByLabel("Postal code").fill("1204");
    await addCustomer.getByLabel("City").fill("Genève");
    await addCustomer.getByLabel("Country").fill("CH");
    await addCustomer.getByLabel("Preferred language").fill("fr-CH");
    await addCustomer.getByRole("button", { name: "Add customer" }).click();
    await page.getByRole("heading", { name: "Mme Amélie Durand", level: 1 }).waitFor();
    customerId = page.url().split("/customers/")[1]!;
    await expect.poll(() => page.locator(".record").textContent()).toContain("+41223100000");

    await page.getByRole("button", { name: "Record consent" }).click();
    const consentForm = page.getByRole("form", { name: "Record consent" });
    expect(await consentForm.getByLabel("Dealer").inputValue()).toBe("");
    await expect.poll(() => consentForm.getByLabel("Policy version").inputValue()).toBe("2021-04");
    await consentForm.getByLabel("Dealer").selectOption(dealerId);
    await expect.poll(() => consentForm.getByRole("checkbox", { name: /record accuracy/i }).isDisabled()).toBe(true);
    expect(await consentForm.getByRole("group", { name: "Purposes" }).textContent()).toContain("not granted to this dealer");
    await consentForm.getByRole("checkbox", { name: "service delivery" }).check();
    await consentForm.getByLabel("Evidence reference").fill(`FORM-${tag}`);
    await consentForm.getByRole("button", { name: "Record consent" }).click();
    await page.getByText(`FORM-${tag}`).waitFor();
    await expect.poll(() => page.locator(".consent").first().textContent()).toContain(dealerName);
    await screenshot(page, "05-customer-with-consent");

    await goTo(page, "Customers");
    const search = page.getByRole("search", { name: "Find a customer" });
    await search.getByLabel("Customer").fill(externalRef);
    await search.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "Amélie Durand" }).waitFor();
    await screenshot(page, "05b-customer-search");

    await goTo(page, "Access check");
    const check = page.getByRole("form", { name: "Access check" });
    await pick(check, "Dealer", dealerName.slice(0, 12), dealerName);
    await pick(check, "Customer", externalRef, new RegExp(externalRef));
    await check.getByLabel("Purpose").selectOption("record_accuracy");
    await check.getByRole("button", { name: "Check access" }).click();
    await expect.poll(() => page.locator(".verdict").textContent()).toContain("holds no live grant for this purpose");
    await check.getByLabel("Purpose").selectOption("service_delivery");
    await check.getByRole("button", { name: "Check access" }).click();
    await expect.poll(() => page.locator(".verdict").textContent()).toContain("can see this client");
    await screenshot(page, "06-access-check");
    await page.close();
  });

  it("when the dealer reads the customer through the API, then it gets the granted fields only", async () => {
    const token = await dealerToken(gw, credential);
    const response = await gw.http.get(`/v1/customers/${customerId}?purpose=service_delivery`).set("Authorization", `Bearer ${token}`).expect(200);
    expect(response.body.data.email).toBe(`amelie.${tag}@example.com`);
    expect(response.body.data).not.toHaveProperty("phone");
    readRequestId = response.headers["x-request-id"] as string;
    expect(readRequestId).toBeTruthy();
    await gw.http.get(`/v1/customers/${customerId}?purpose=record_accuracy`).set("Authorization", `Bearer ${token}`).expect(403);
    await gw.http.get(`/v1/customers/${randomUUID()}?purpose=service_delivery`).set("Authorization", `Bearer ${token}`).expect(404);
  });

  it("when an auditor signs in with the keyboard, then they find the read, export it as CSV and open the data-subject report", async () => {
    await createAdminUser(auditor, ["compliance_auditor"]);
    const page = await openConsole();
    await page.getByLabel("Username").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("username");
    await page.keyboard.type(auditor);
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
    const nav = page.getByRole("navigation", { name: "Console" });
    expect(await nav.getByRole("link", { name: "Dealers" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Customers" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /Issue|Suspend|Erase|Record/ }).count()).toBe(0);

    const search = page.getByRole("search", { name: "Audit search" });
    await pick(search, "Customer", "Durand", new RegExp(externalRef));
    await search.getByLabel("Action").fill("customer.read");
    await search.getByLabel("Decision").selectOption("allow");
    await search.getByRole("button", { name: "Search" }).click();
    const row = page.getByRole("row", { name: /customer\.read/ });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole("button", { name: /Details/ }).click();
    await expect.poll(() => page.locator(".event-detail").textContent()).toContain(readRequestId);
    await screenshot(page, "07-audit-search");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export as CSV", exact: true }).click()]);
    const csv = fs.readFileSync((await download.path())!, "utf8");
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(csv).toContain(readRequestId);
    expect(csv).toContain(customerId);
    expect(csv.split("\n")[0]).toContain("requestId");

    await goTo(page, "Data-subject report");
    const report = page.getByRole("form", { name: "Data-subject report" });
    await pick(report, "Customer", externalRef, new RegExp(externalRef));
    await report.getByRole("button", { name: "Open report" }).click();
    expect(page.url()).toContain(customerId);
    const recipients = page.getByRole("region", { name: "Dealers that received the data" });
    await expect.poll(() => recipients.textContent()).toContain(dealerName);
    await expect.poll(() => recipients.textContent()).toContain("Email");
    await screenshot(page, "08-data-subject-report");

    await goTo(page, "Dealer activity");
    await page.locator(".chart-card svg").first().waitFor();
    expect(await page.locator(".chart-card .bar-allow").count()).toBe(1);
    expect(await page.locator(".chart-card .bar-deny").count()).toBe(1);
    await expect.poll(() => page.locator(".chart-card").textContent()).toContain("1 allowed · 2 denied");
    await screenshot(page, "09-dealer-activity");

    await goTo(page, "Pending purges");
    await page.getByRole("heading", { name: "Pending purges", level: 1 }).waitFor();
    await page.getByText(/Every dealer is up to date|Oldest since/).first().waitFor();
    await screenshot(page, "10-pending-purges");

    await page.close();
  });

  it("when an auditor opens the log integrity page, then it shows the verdict and the latest checkpoint, and checks a pasted one", async () => {
    // Checkpoints are stamped by the gateway's clock: at the real time, the page's age reads seconds.
    const signedAt = new Date();
    gw.clock.now = signedAt;
    await writeEvent(gw, { action: "test.checkpoint" });
    await integrate(gw);
    const latest = (await auditGet(gw, "/v1/audit/checkpoint", 200, { Accept: "application/json" })).body as Checkpoint;
    expect(latest.createdAt).toBe(signedAt.toISOString());

    const page = await openConsole();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: gw.url });
    await signIn(page, auditor, PASSWORD);
    await goTo(page, "Log integrity");
    const verification = page.getByRole("region", { name: "Verification" });
    await expect.poll(() => verification.locator(".verdict").textContent()).toContain("Intact");
    expect(await verification.locator(".verdict").textContent()).toMatch(/All [\d,]+ events check out/);
    expect(await page.getByText(/chain head|sealed/i).count()).toBe(0);

    const checkpoint = page.getByRole("region", { name: "Latest checkpoint" });
    const note = await checkpoint.getByLabel("Signed note").inputValue();
    expect(note).toMatch(/^dealer-gateway\/audit-log\n\d+\n[A-Za-z0-9+/]{43}=\n\n\u2014 dealer-gateway\/audit-log [A-Za-z0-9+/]+=*\n$/);
    expect(await checkpoint.textContent()).toContain(latest.verifierKey);
    await expect.poll(() => checkpoint.locator(".checkpoint-age").textContent()).toMatch(/^Signed (just now|\d{1,2} s ago)/);
    expect(await checkpoint.locator("time").textContent()).toMatch(/\d{2}:\d{2}:\d{2} UTC$/);

    await checkpoint.getByRole("button", { name: "Copy checkpoint" }).click();
    await expect.poll(() => checkpoint.locator(".copy-state").textContent()).toBe("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(note);
    const [download] = await Promise.all([page.waitForEvent("download"), checkpoint.getByRole("button", { name: "Download checkpoint" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^dealer-gateway-audit-log-checkpoint-\d+\.txt$/);
    expect(fs.readFileSync((await download.path())!, "utf8")).toBe(note);
    await screenshot(page, "11-log-integrity");

    const held = page.getByRole("form", { name: "Check a kept checkpoint" });
    const answer = page.getByRole("region", { name: "Check against a kept checkpoint" });
    const pasteAndCheck = async (text: string) => {
      await held.getByLabel("Checkpoint note").fill(text);
      await held.getByRole("button", { name: "Check the log" }).click();
    };
    await pasteAndCheck("");
    await expect.poll(() => held.getByRole("alert").textContent()).toContain("Paste a checkpoint first");
    await pasteAndCheck("the chain head was 4f2a…, noted on Monday");
    await expect.poll(() => held.getByRole("alert").textContent()).toContain("This is not a checkpoint note");
    expect(await held.getByLabel("Checkpoint note").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "11b-log-integrity-malformed-paste");

    const [origin, size, , ...signature] = note.split("\n");
    await pasteAndCheck([origin, size, `${"A".repeat(43)}=`, ...signature].join("\n"));
    await expect.poll(() => answer.locator(".verdict").textContent()).toContain("the checkpoint you pasted is not signed by this log's audit key");
    expect(await answer.locator(".facts").textContent()).toContain("signature");

    // Pasted as a mail client might hand it back: CRLF line ends, no final newline.
    await pasteAndCheck(note.trimEnd().replace(/\n/g, "\r\n"));
    await expect.poll(() => answer.locator(".verdict").textContent()).toContain(`The log extends your checkpoint of ${Number(size).toLocaleString("en-GB")} events`);
    expect(await held.getByRole("alert").count()).toBe(0);
    await screenshot(page, "11c-log-integrity-held-checkpoint");
    await page.close();
  });

  it("when a CRM-only admin signs in, then the audit pages are neither listed nor reachable by address", async () => {
    await createAdminUser(crmOnly, ["crm_admin"]);
    const page = await openConsole();
    await signIn(page, crmOnly, PASSWORD);
    await page.getByRole("heading", { name: "Dealers", level: 1 }).waitFor();
    const nav = page.getByRole("navigation", { name: "Console" });
    expect(await nav.getByRole("link", { name: "Audit log" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Data-subject report" }).count()).toBe(0);

    await page.goto(`${gw.url}/console/audit`);
    await page.getByRole("heading", { name: "Not permitted", level: 1 }).waitFor();
    await screenshot(page, "12-not-permitted");

    await page.goto(`${gw.url}/console/customers/${customerId}`);
    await page.getByRole("button", { name: "Erase customer" }).click();
    const dialog = page.getByRole("dialog", { name: "Erase this customer?" });
    await expect.poll(() => dialog.textContent()).toContain("irreversible");
    expect(await dialog.getByRole("button", { name: "Erase permanently" }).isDisabled()).toBe(true);
    await screenshot(page, "13-erase-confirmation");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: "Withdraw…" }).click();
    const withdraw = page.getByRole("dialog", { name: /Withdraw consent/ });
    await withdraw.getByLabel("Reason").fill("Asked in boutique");
    await screenshot(page, "14-withdraw-dialog");
    await withdraw.getByRole("button", { name: "Withdraw consent" }).click();
    await expect.poll(() => page.locator(".timeline").first().textContent()).toContain("Asked in boutique");
    await expect.poll(() => page.locator(".consent-status").first().textContent()).toContain("withdrawn");
    await screenshot(page, "15-consent-withdrawn");

    await page.getByRole("link", { name: "Why can't a dealer see this client?" }).click();
    const check = page.getByRole("form", { name: "Access check" });
    await expect.poll(() => check.getByRole("combobox", { name: "Customer" }).inputValue()).toBe(`Amélie Durand (${externalRef})`);
    await pick(check, "Dealer", "maison lemaire", dealerName);
    await check.getByLabel("Purpose").selectOption("service_delivery");
    await check.getByRole("button", { name: "Check access" }).click();
    await expect.poll(() => page.locator(".verdict").textContent()).toContain("withdrew their consent");
    await page.close();
  });

  it("when every page has been used, then none reported a script error or a CSP violation", () => {
    expect(pageErrors).toEqual([]);
  });
});
