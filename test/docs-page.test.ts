import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumInstalled, collectPageErrors, launchChromium, screenshot } from "./support/browser";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, TestClock, type TestGateway } from "./support/gateway";

const runInBrowser = chromiumInstalled || process.env.CI === "true";

/** The API reference at /docs in a real browser: it opens without errors, and its Authorize dialog gets a dealer token. */
describe.skipIf(!runInBrowser)("/docs in a browser", { timeout: 120_000 }, () => {
  let gw: TestGateway;
  let browser: Browser;
  let access: DealerWithAccess;

  beforeAll(async () => {
    gw = await startTestGateway({ clock: new TestClock(new Date()) });
    access = await dealerWithAccess(gw, "service_delivery");
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  async function openDocs(): Promise<{ page: Page; errors: string[] }> {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.setDefaultTimeout(30_000);
    const errors = collectPageErrors(page);
    await page.goto(`${gw.url}/docs`);
    await page.locator(".opblock").first().waitFor();
    return { page, errors };
  }

  async function authorize(page: Page, scopes: "none" | "all"): Promise<string> {
    await page.getByRole("button", { name: /authorize/i }).first().click();
    const dialog = page.locator(".dialog-ux");
    const flow = dialog.locator(".auth-container").filter({ has: page.locator("#client_id_clientCredentials") });
    await flow.locator("#client_id_clientCredentials").fill(access.credential.clientId);
    await flow.locator("#client_secret_clientCredentials").fill(access.credential.clientSecret);
    if (scopes === "all") {
      for (const box of await flow.locator("input[type=checkbox]").all()) await box.dispatchEvent("click");
    }
    await flow.locator("button.authorize").click();
    // Authorized, the flow's inputs give way to its "Authorized" heading; refused, to an error line.
    await dialog.locator(".errors, h6:has-text('Authorized')").first().waitFor();
    await screenshot(page, `docs-authorize-${scopes === "all" ? "every-scope" : "granted-scopes"}`);
    return dialog.innerText();
  }

  it("when /docs opens, then there is no error panel and no script or policy error", async () => {
    const { page, errors } = await openDocs();
    await screenshot(page, "docs");
    expect(await page.locator(".errors-wrapper").count()).toBe(0);
    expect(await page.content()).not.toContain("jsonSchemaDialect");
    expect(errors).toEqual([]);
  });

  it("when Authorize is used with no scope ticked, then the dealer gets a token for its granted purposes", async () => {
    const { page } = await openDocs();
    const text = await authorize(page, "none");
    expect(text).toContain("Authorized");
    expect(text).not.toContain("Auth Error");
  });

  it("when every scope is ticked though the dealer holds one, then the server's invalid_scope and its description reach the user", async () => {
    const { page } = await openDocs();
    const text = await authorize(page, "all");
    expect(text).toContain("error: invalid_scope, description: The requested scope exceeds the purposes granted to this dealer");
  });
});
