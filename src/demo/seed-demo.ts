import { planConsents, ROLES } from "./consent-plan";
import { DEMO_SEED, generateCustomers } from "./customer-generator";
import type { DealerKey } from "./demo-dealers";
import { inParallel, type GatewayClient } from "./gateway-client";
import { acknowledgeFeed } from "./dealer-sync";
import { customerIdsByIndex, importCustomers } from "./import-customers";
import { seedActivity } from "./seed-activity";
import { seedConsents, type RecordedConsent } from "./seed-consents";
import { seedDealers, seedUsers, type DEMO_USERS, type SeededDealer } from "./seed-dealers";

export interface SeedOptions {
  /** A client holding a token of an admin with the `user_admin` and `crm_admin` roles. */
  admin: GatewayClient;
  customers?: number;
  /** The gateway's notion of now, for consent expiry dates (tests run the gateway on a test clock). */
  now?: () => Date;
  /** Requests in flight at once while recording consents. */
  concurrency?: number;
  /** Lifetime of the consents recorded to show expiry. */
  shortExpirySeconds?: number;
  progress?: (line: string) => void;
  /**
   * Spreads dealer activity over the days from the gateway's `now` to `until`, moving the gateway's
   * clock forward with `moveTo` (see DemoClock); without it, the seeding is one burst at `now`.
   */
  history?: { until: Date; moveTo: (at: Date) => void };
}

export interface DemoCustomerRef {
  id: string;
  externalRef: string;
  consentId?: string;
}

/** What the seeding created: enough for the walkthrough to name real ids and working secrets. */
export interface DemoDataset {
  users: typeof DEMO_USERS;
  dealers: Record<DealerKey, SeededDealer>;
  customers: {
    total: number;
    reader: DemoCustomerRef & { consentId: string };
    unconsented: DemoCustomerRef;
    usCustomer: DemoCustomerRef;
    jpCustomer: DemoCustomerRef;
    restricted: DemoCustomerRef;
    expired: DemoCustomerRef;
    posCustomer: DemoCustomerRef;
  };
  counts: { consents: number; withdrawn: number; partlyWithdrawn: number; shortLived: number; restricted: number };
  /** When the last short-lived consent expires (gateway time). */
  shortLivedUntil: string | null;
}

export const MIN_DEMO_CUSTOMERS = 10;

/** Seeds dealers, users, customers and consents through the admin API, as a CRM admin would. */
export async function seedDemo(options: SeedOptions): Promise<DemoDataset> {
  const count = options.customers ?? 1000;
  if (count < MIN_DEMO_CUSTOMERS) throw new Error(`the demo needs at least ${MIN_DEMO_CUSTOMERS} customers`);
  const { admin } = options;
  const now = options.now ?? (() => new Date());
  const concurrency = options.concurrency ?? 8;
  const progress = options.progress ?? (() => undefined);

  const users = await seedUsers(admin);
  const dealers = await seedDealers(admin);
  progress(`dealers: ${Object.values(dealers).map((d) => `${d.name} (${d.country})`).join(", ")}`);

  const generated = generateCustomers(count);
  const records = generated.map(({ locale: _locale, ...record }) => record);
  const imported = await importCustomers(admin, records);
  progress(`customers: ${imported} imported as NDJSON`);

  const plan = planConsents(generated.map((customer) => customer.locale), DEMO_SEED);
  const involved = [...Object.values(ROLES), ...plan.consents.map((c) => c.customerIndex), ...plan.restrictedCustomers];
  const idByIndex = await customerIdsByIndex(admin, records, involved, concurrency);
  const customerIds = records.map((_, index) => idByIndex.get(index) ?? "");
  const dealerIds = Object.fromEntries(Object.values(dealers).map((d) => [d.key, d.id])) as Record<DealerKey, string>;
  const recorded = await seedConsents(plan.consents, {
    admin, customerIds, externalRefs: records.map((r) => r.externalRef), dealerIds, now, concurrency,
    shortExpirySeconds: options.shortExpirySeconds ?? 5,
  });
  await inParallel(plan.restrictedCustomers, concurrency, (index) => admin.call("POST", `/v1/admin/customers/${customerIds[index]}/restrict`, undefined, [200]));
  progress(`consents: ${recorded.length} recorded, ${plan.restrictedCustomers.length} customers restricted`);
  if (options.history) {
    const days = Math.round((options.history.until.getTime() - now().getTime()) / 86_400_000);
    const requests = await seedActivity({
      baseUrl: admin.baseUrl, dealers, consents: recorded, customerIds, now, until: options.history.until, moveTo: options.history.moveTo, seed: DEMO_SEED,
    });
    progress(`dealer activity: ${requests} reads over the past ${days} days`);
  }
  const synced = await acknowledgeFeed(admin.baseUrl, dealers.fr);
  progress(`${dealers.fr.name} read and acknowledged its consent-events feed (${synced} events)`);

  return describeDataset({ users, dealers, count, customerIds, externalRefs: records.map((r) => r.externalRef), recorded, restricted: plan.restrictedCustomers });
}

/** The seeded facts the walkthrough and the summary need: ids, secrets and counts, no personal data. */
function describeDataset(seeded: {
  users: DemoDataset["users"];
  dealers: DemoDataset["dealers"];
  count: number;
  customerIds: string[];
  externalRefs: string[];
  recorded: RecordedConsent[];
  restricted: number[];
}): DemoDataset {
  const { recorded } = seeded;
  const ref = (index: number): DemoCustomerRef => {
    const consent = consentOf(recorded, index);
    return { id: seeded.customerIds[index]!, externalRef: seeded.externalRefs[index]!, ...(consent ? { consentId: consent.id } : {}) };
  };
  const shortLived = recorded.filter((c) => c.term === "seconds");
  return {
    users: seeded.users,
    dealers: seeded.dealers,
    customers: {
      total: seeded.count,
      reader: { ...ref(ROLES.reader), consentId: consentOf(recorded, ROLES.reader)!.id },
      unconsented: ref(ROLES.unconsented),
      usCustomer: ref(ROLES.usCustomer),
      jpCustomer: ref(ROLES.jpCustomer),
      restricted: ref(ROLES.restricted),
      expired: ref(ROLES.expired),
      posCustomer: ref(ROLES.posCustomer),
    },
    counts: {
      consents: recorded.length,
      withdrawn: recorded.filter((c) => c.withdraw === "all").length,
      partlyWithdrawn: recorded.filter((c) => c.withdraw === "one").length,
      shortLived: shortLived.length,
      restricted: seeded.restricted.length,
    },
    shortLivedUntil: shortLived.map((c) => c.expiresAt!).sort().at(-1) ?? null,
  };
}

function consentOf(recorded: RecordedConsent[], customerIndex: number): RecordedConsent | undefined {
  return recorded.find((consent) => consent.customerIndex === customerIndex);
}
