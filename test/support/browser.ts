import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { TEST_DB } from "./databases";

/** Debian's Chromium (`apt-get install -y chromium`); CHROMIUM_PATH points elsewhere when needed. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumInstalled = fs.existsSync(CHROMIUM_PATH);

/** Quiet, offline, reproducible: nothing but the gateway under test is contacted. */
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run",
  "--disable-component-update", "--disable-sync",
];

/** Playwright gives every launch a fresh, temporary user-data directory and removes it on close. */
export function launchChromium(): Promise<Browser> {
  if (!chromiumInstalled) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export const ARTIFACTS_DIR = path.resolve(__dirname, "..", "artifacts", `console-${TEST_DB}`);

/** A full-page screenshot kept in test/artifacts for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** Errors the page reported: script errors and CSP violations, which would mean part of the console is broken. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text())) errors.push(`csp: ${message.text()}`);
  });
  return errors;
}
