import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureConsoleBuilt } from "../console/ensure-built";
import { chromiumInstalled, collectPageErrors, launchChromium } from "./support/browser";
import { createCustomer, createDealer, recordConsent } from "./support/fixtures";
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestGateway, TestClock, type TestGateway } from "./support/gateway";
import { answer, startReceiver, verifies, type WebhookReceiver } from "./support/webhook-receiver";
import { deliveries, eventually, WEBHOOK_TEST_ENV } from "./webhooks.support";

/**
 * The dealer page's webhook panel in a real browser: set the URL (the secret shown once), see a failed
 * delivery with the receiver's answer, replay it, and rotate the secret.
 */
const runInBrowser = chromiumInstalled || process.env.CI === "true";

describe.skipIf(!runInBrowser)("the webhook panel of the console's dealer page", { timeout: 90_000 }, () => {
  let gw: TestGateway;
  let browser: Browser;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    ensureConsoleBuilt();
    gw = await startTestGateway({ clock: new TestClock(new Date()), env: WEBHOOK_TEST_ENV });
    browser = await launchChromium();
    receiver = await startReceiver(answer(503, "maintenance window"));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await receiver?.close();
  });

  async function dealerPage(dealerId: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "en-GB", timezoneId: "UTC" });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors = collectPageErrors(page);
    await page.goto(`${gw.url}/console/dealers/${dealerId}`);
    await page.getByLabel("Username").fill(ADMIN_USERNAME);
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Webhook" }).waitFor();
    return { page, errors };
  }

  it("when an admin sets, replays and rotates a webhook on the dealer page, then the gateway does so and the secret is shown once", async () => {
    const dealer = await createDealer(gw);
    const { page, errors } = await dealerPage(dealer.id);
    const form = page.getByRole("form", { name: "Set the webhook" });
    await form.getByLabel("URL").fill(receiver.url);
    await form.getByRole("button", { name: "Set webhook" }).click();
    const secretBox = page.getByRole("region", { name: "New signing secret" });
    const first = await secretBox.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(first).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "I have stored the secret" }).click();
    await expect.poll(() => page.content()).not.toContain(first);

    const customer = await createCustomer(gw);
    await recordConsent(gw, customer.id, { dealerId: dealer.id, purposes: ["service_delivery"] });
    await receiver.waitFor(1);
    expect(verifies(first, receiver.received[0]!)).toBe(true);
    // Past the retry window on the gateway clock: the delivery is abandoned and the webhook disabled.
    await eventually(() => deliveries(gw, dealer.id), (rows) => rows[0]?.attempts === 1, "the first attempt");
    gw.clock.advance(25 * 3_600_000);
    await eventually(() => deliveries(gw, dealer.id), (rows) => rows[0]?.status === "abandoned", "the delivery abandoned");

    await page.reload();
    await expect.poll(() => page.getByRole("table", { name: "Recent deliveries" }).textContent()).toContain("HTTP 503 · maintenance window");
    expect(await page.getByText("disabled").first().isVisible()).toBe(true);

    receiver.respond = answer(204);
    await form.getByRole("button", { name: "Rotate secret" }).click();
    const second = await secretBox.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(second).not.toBe(first);
    await page.getByRole("button", { name: "I have stored the secret" }).click();
    await page.getByRole("button", { name: /^Replay delivery of event/ }).click();
    await eventually(() => deliveries(gw, dealer.id), (rows) => rows[0]?.status === "delivered", "the replayed delivery");
    const replayed = receiver.received.at(-1)!;
    expect(verifies(second, replayed)).toBe(true);
    expect(verifies(first, replayed)).toBe(false);
    await page.reload();
    await expect.poll(() => page.getByRole("table", { name: "Recent deliveries" }).textContent()).toContain("HTTP 204");
    expect(errors).toEqual([]);
  });
});
