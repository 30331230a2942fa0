import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerDataSchema } from "../src/customers/customer-fields";
import { generateCustomers } from "../src/demo/customer-generator";
import { GatewayClient } from "../src/demo/gateway-client";
import { seedDemo, type DemoDataset } from "../src/demo/seed-demo";
import { buildWalkthrough, type WalkthroughStep } from "../src/demo/walkthrough";
import { renderWalkthrough, STATUS_MARKER } from "../src/demo/walkthrough-curl";
import { runWalkthrough } from "../src/demo/walkthrough-runner";
import { startTestGateway, TestClock, type TestGateway } from "./support/gateway";
import { integrate, verify } from "./audit.support";

const DEMO_CUSTOMERS = 50;
const SHORT_EXPIRY_SECONDS = 5;

/** Seeds a fresh test gateway the way `npm run demo` does, then lets the short-lived consents expire. */
async function seededGateway(): Promise<{ gw: TestGateway; dataset: DemoDataset; steps: WalkthroughStep[] }> {
  const gw = await startTestGateway();
  const admin = new GatewayClient(gw.url).withToken(await gw.adminToken());
  const dataset = await seedDemo({ admin, customers: DEMO_CUSTOMERS, now: gw.clock.read, concurrency: 4, shortExpirySeconds: SHORT_EXPIRY_SECONDS });
  gw.clock.advance((SHORT_EXPIRY_SECONDS + 1) * 1000);
  return { gw, dataset, steps: buildWalkthrough(dataset) };
}

const count = async (gw: TestGateway, sql: string): Promise<number> => Number((await gw.dataSource.query(sql))[0].n);

describe("demo dataset", () => {
  it("when customers are generated twice with the same seed, then they are identical and valid customer records", () => {
    const first = generateCustomers(200);
    expect(generateCustomers(200)).toEqual(first);
    for (const { locale: _locale, externalRef, ...record } of first) {
      expect(externalRef).toMatch(/^CRM-\d{6}$/);
      expect(customerDataSchema.safeParse(record).success).toBe(true);
    }
    expect(new Set(first.map((c) => c.postalAddress.country)).size).toBeGreaterThanOrEqual(5);
  });
});

describe("npm run demo: seeding and the printed walkthrough", () => {
  let gw: TestGateway;
  let dataset: DemoDataset;
  let steps: WalkthroughStep[];

  beforeAll(async () => {
    ({ gw, dataset, steps } = await seededGateway());
  }, 120_000);
  afterAll(async () => {
    await gw?.stop();
  });

  it("when the demo is seeded, then the database holds what it reports, created through the admin API", async () => {
    expect(await count(gw, "SELECT COUNT(*) AS n FROM dealers")).toBe(4);
    expect(await count(gw, "SELECT COUNT(*) AS n FROM customers")).toBe(DEMO_CUSTOMERS);
    expect(await count(gw, "SELECT COUNT(*) AS n FROM customers WHERE status = 'restricted'")).toBe(dataset.counts.restricted);
    expect(await count(gw, "SELECT COUNT(*) AS n FROM consents")).toBe(dataset.counts.consents);
    expect(await count(gw, "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'customer.import'")).toBe(1);
    expect(await count(gw, "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'consent.record'")).toBe(dataset.counts.consents);
    expect(dataset.dealers.us.transferSafeguard).toBeUndefined();
    expect(dataset.dealers.jp.transferSafeguard).toBe("scc");
  });

  it("when the walkthrough's requests run in order, then each answers the status and code it claims", async () => {
    const outcomes = await runWalkthrough(gw.url, steps);
    expect(outcomes.length).toBeGreaterThanOrEqual(14);
    for (const outcome of outcomes) {
      expect({ title: outcome.step.title, status: outcome.status, code: outcome.step.expect.code ? outcome.code : undefined })
        .toEqual({ title: outcome.step.title, status: outcome.step.expect.status, code: outcome.step.expect.code });
    }

    const dataOf = (index: number) => (outcomes[index]!.body as { data: object }).data;
    expect(Object.keys(dataOf(0)).sort()).toEqual(["email", "name", "phone", "preferredLanguage", "serviceOrders", "warranties"]);
    expect(Object.keys(dataOf(1)).sort()).toEqual(["interests", "name", "preferredLanguage"]);

    const feed = outcomes.find((o) => o.step.path === "/v1/consent-events")!.body as { items: { type: string; customerId?: string }[] };
    expect(feed.items.filter((e) => e.type === "consent.withdrawn" && e.customerId === dataset.customers.reader.id)).toHaveLength(2);
    expect(feed.items.filter((e) => e.type === "consent.granted")).toHaveLength(0);

    const withdrawals = await count(gw, `SELECT COUNT(*) AS n FROM consent_purposes WHERE consent_id = '${dataset.customers.reader.consentId}' AND withdrawn_at IS NOT NULL`);
    expect(withdrawals).toBe(2);

    // The point of sale: one sale however often the till retried, one warranty extended in place, an opt-out every consenting dealer hears of.
    const pos = dataset.customers.posCustomer;
    expect(feed.items.filter((e) => e.type === "customer.marketing_updated" && e.customerId === pos.id)).toHaveLength(1);
    const rows: { profile: string }[] = await gw.dataSource.query("SELECT profile FROM customers WHERE id = ?", [pos.id]);
    const record = JSON.parse(rows[0]!.profile) as { purchases: { serialNumber?: string; soldBy: string }[]; warranties: { serialNumber: string; endsOn: string }[]; marketingPreferences: object };
    expect(record.purchases.filter((p) => p.serialNumber === "SN-DEMO-0001")).toEqual([expect.objectContaining({ soldBy: dataset.dealers.ch.name })]);
    expect(record.warranties.filter((w) => w.serialNumber === "SN-DEMO-0001")).toEqual([expect.objectContaining({ endsOn: "2031-06-01", extended: true })]);
    expect(record.marketingPreferences).toEqual({ email: false, phone: false, post: false, sms: false });
  });

  it("when the walkthrough is printed, then every command is complete: no placeholder, every id real, every variable set first", () => {
    const printed = renderWalkthrough(gw.url, steps);
    const commands = printed.split("\n").filter((line) => line && !line.startsWith("#"));
    expect(commands).toHaveLength(steps.length);
    for (const command of commands) {
      expect(command).not.toMatch(/<[a-z_ -]+>|\{[a-zA-Z]+\}|:id\b|\bundefined\b|\bnull\b|\$\{|\.\.\.|\bTODO\b|\bxxx\b/i);
    }
    const seededIds = new Set([
      ...Object.values(dataset.dealers).flatMap((d) => [d.id]),
      ...Object.values(dataset.customers).flatMap((c) => (typeof c === "object" ? [c.id, c.consentId].filter(Boolean) : [])),
    ]);
    for (const uuid of printed.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []) expect(seededIds).toContain(uuid);
    const defined = new Set<string>();
    for (const command of commands) {
      for (const used of command.match(/\$([A-Z_]+)/g) ?? []) expect(defined, `${used} used before it is set`).toContain(used.slice(1));
      const assigned = /^([A-Z_]+)=\$\(/.exec(command);
      if (assigned) defined.add(assigned[1]!);
    }
    for (const dealer of Object.values(dataset.dealers).filter((d) => d.key !== "ch")) expect(printed).toContain(`${dealer.clientId}:${dealer.clientSecret}`);
  });
});

const hasShellAndCurl = ["bash", "curl"].every((program) => spawnSync("sh", ["-c", `command -v ${program}`]).status === 0);

describe.skipIf(!hasShellAndCurl)("npm run demo: the printed commands pasted into a shell", () => {
  let gw: TestGateway;
  let steps: WalkthroughStep[];

  beforeAll(async () => {
    ({ gw, steps } = await seededGateway());
  }, 120_000);
  afterAll(async () => {
    await gw?.stop();
  });

  it("when the printed script runs in bash, then each command prints the status its comment announces", async () => {
    const script = renderWalkthrough(gw.url, steps);
    // Asynchronously: the gateway answering curl runs in this very process.
    const run = await promisify(execFile)("bash", ["-c", script], { encoding: "utf8", timeout: 60_000 });
    const printedStatuses = [...run.stdout.matchAll(new RegExp(`${STATUS_MARKER}(\\d{3})`, "g"))].map((match) => Number(match[1]));
    const announced = steps.flatMap((step) => (step.kind === "request" ? [step.expect.status] : []));
    expect(printedStatuses).toEqual(announced);
    const announcedInComments = [...script.matchAll(/\[expect (\d{3})/g)].map((match) => Number(match[1]));
    expect(announcedInComments).toEqual(announced);
  });
});

describe("npm run demo on a busy port", () => {
  it("when the port is taken, then the demo exits 1 naming the port, and the previous demo's database is left untouched", async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as net.AddressInfo).port;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-demo-busy-"));
    const previous = path.join(dataDir, "demo.sqlite");
    fs.writeFileSync(previous, "the running demo's database");
    try {
      const run = await promisify(execFile)(path.resolve("node_modules/.bin/tsx"), ["src/demo/main.ts"], {
        encoding: "utf8", timeout: 60_000, env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, DEMO_EXIT_AFTER_SEED: "1" },
      }).then(() => ({ code: 0, stderr: "" }), (error: { code: number; stderr: string }) => error);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`port ${port} is already in use`);
      expect(fs.readFileSync(previous, "utf8")).toBe("the running demo's database");
    } finally {
      busy.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("npm run demo: weeks of history", () => {
  let gw: TestGateway;
  const until = new Date("2026-06-01T10:00:00.000Z");
  const DAYS = 28;

  beforeAll(async () => {
    // As the demo does: the gateway's clock starts weeks back and the seeding moves it forward to today.
    gw = await startTestGateway({ clock: new TestClock(new Date(until.getTime() - DAYS * 86_400_000)) });
    const admin = new GatewayClient(gw.url).withToken(await gw.adminToken());
    const moveTo = (at: Date) => {
      if (at > gw.clock.now) gw.clock.now = at;
    };
    await seedDemo({ admin, customers: DEMO_CUSTOMERS, now: gw.clock.read, concurrency: 4, shortExpirySeconds: SHORT_EXPIRY_SECONDS, history: { until, moveTo } });
  }, 180_000);
  afterAll(async () => {
    await gw?.stop();
  });

  it("when the demo is seeded with history, then dealer reads spread over the weeks with a weekly pattern, ending today", async () => {
    const reads: { at: string; decision: string }[] = await gw.dataSource.query("SELECT at, decision FROM audit_events WHERE action = 'customer.read' ORDER BY seq");
    const days = new Map<string, number>();
    for (const read of reads) days.set(read.at.slice(0, 10), (days.get(read.at.slice(0, 10)) ?? 0) + 1);
    expect(days.size).toBeGreaterThanOrEqual(20);
    expect(Math.max(...[...days.keys()].map(Date.parse))).toBe(Date.parse(until.toISOString().slice(0, 10)));
    const byWeekday = [0, 0, 0, 0, 0, 0, 0];
    for (const [day, count] of days) byWeekday[new Date(day).getUTCDay()]! += count;
    expect(byWeekday[6]).toBeGreaterThan(byWeekday[0]! * 3);
    expect(new Set(reads.map((read) => read.decision))).toEqual(new Set(["allow", "deny"]));
    expect(gw.clock.now.getTime()).toBe(until.getTime());
  });

  it("when the history is seeded, then every audit event came through the signed writer in time order, and verification covers them all", async () => {
    const times: { at: string }[] = await gw.dataSource.query("SELECT at FROM audit_events ORDER BY seq");
    const ats = times.map((row) => row.at);
    expect(ats).toEqual([...ats].sort());
    expect(ats[0]! < new Date(until.getTime() - 27 * 86_400_000).toISOString()).toBe(true);
    await integrate(gw);
    const result = await verify(gw);
    expect(result).toMatchObject({ ok: true });
    expect(result.checked).toBeGreaterThanOrEqual(times.length);
  });
});
