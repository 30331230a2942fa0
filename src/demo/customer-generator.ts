import { INTERESTS, PRODUCTS, SERVICE_STATUSES, priceIn } from "./catalogue";
import { LOCALES, LOCALE_WEIGHTS, type Locale } from "./locales";
import { SeededRandom } from "./seeded-random";

/** A customer record as the CRM exports it: the body of one NDJSON import line (contract section 3). */
export interface DemoCustomerRecord {
  externalRef: string;
  name: { given: string; family: string; salutation?: string };
  email: string;
  phone: string;
  postalAddress: { line1: string; line2?: string; postalCode: string; city: string; country: string };
  birthDate: string;
  preferredLanguage: string;
  preferredBoutique: string;
  interests: string[];
  marketingPreferences: { email: boolean; phone: boolean; post: boolean; sms: boolean };
  purchases: { id: string; date: string; productRef: string; serialNumber?: string; soldBy: string; amount?: number; currency?: string }[];
  warranties: { serialNumber: string; productRef: string; startsOn: string; endsOn: string; extended: boolean }[];
  serviceOrders: { id: string; productRef: string; status: string; openedAt: string }[];
}

const EMAIL_DOMAINS = ["example.com", "example.net", "example.org"];
const DAY_MS = 86_400_000;
/** Purchases fall between these dates, so the dataset does not depend on the day it is generated. */
const FIRST_PURCHASE = Date.UTC(2015, 0, 1);
const LAST_PURCHASE = Date.UTC(2025, 11, 31);

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** The same calendar day `years` later; 29 February becomes 28 February. */
const addYears = (day: string, years: number): string => `${Number(day.slice(0, 4)) + years}${day.slice(4).replace("-02-29", "-02-28")}`;

function pickLocale(random: SeededRandom): Locale {
  const total = LOCALES.reduce((sum, locale) => sum + (LOCALE_WEIGHTS[locale.country] ?? 1), 0);
  let roll = random.next() * total;
  for (const locale of LOCALES) {
    roll -= LOCALE_WEIGHTS[locale.country] ?? 1;
    if (roll < 0) return locale;
  }
  return LOCALES[0]!;
}

function purchasesOf(random: SeededRandom, locale: Locale, index: number) {
  const purchases: DemoCustomerRecord["purchases"] = [];
  const warranties: DemoCustomerRecord["warranties"] = [];
  const count = random.chance(0.15) ? 0 : random.int(1, 4);
  for (let n = 0; n < count; n++) {
    const product = random.pick(PRODUCTS);
    const date = isoDay(random.int(FIRST_PURCHASE / DAY_MS, LAST_PURCHASE / DAY_MS) * DAY_MS);
    const boutique = random.chance(0.85) ? random.pick(locale.boutiques) : random.pick(LOCALES).boutiques[0]!;
    const boutiqueCountry = LOCALES.find((l) => l.boutiques.includes(boutique))!.country;
    const serialNumber = product.kind === "watch" ? `S${random.digits(7)}` : undefined;
    purchases.push({ id: "", date, productRef: product.ref, ...(serialNumber ? { serialNumber } : {}), soldBy: boutique, ...priceIn(random, product, boutiqueCountry) });
    if (serialNumber) {
      const extended = random.chance(0.25);
      warranties.push({ serialNumber, productRef: product.ref, startsOn: date, endsOn: addYears(date, extended ? 8 : 5), extended });
    }
  }
  purchases.sort((a, b) => a.date.localeCompare(b.date));
  purchases.forEach((purchase, n) => (purchase.id = `PUR-${String(index + 1).padStart(6, "0")}-${n + 1}`));
  return { purchases, warranties };
}

function serviceOrdersOf(random: SeededRandom, purchases: DemoCustomerRecord["purchases"], index: number): DemoCustomerRecord["serviceOrders"] {
  const watches = purchases.filter((p) => p.serialNumber);
  if (watches.length === 0 || !random.chance(0.35)) return [];
  const watch = random.pick(watches);
  const opened = new Date(Date.UTC(2025, random.int(0, 11), random.int(1, 28), random.int(8, 18), random.pick([0, 15, 30, 45])));
  return [{ id: `SO-${String(index + 1).padStart(6, "0")}`, productRef: watch.productRef, status: random.pick(SERVICE_STATUSES), openedAt: opened.toISOString() }];
}

/** One customer; the same index and seed always give the same person. */
export function generateCustomer(random: SeededRandom, index: number): DemoCustomerRecord & { locale: string } {
  const locale = pickLocale(random);
  const given = random.pick(locale.givenNames);
  const family = random.pick(locale.familyNames);
  const city = random.pick(locale.cities);
  const { purchases, warranties } = purchasesOf(random, locale, index);
  return {
    locale: locale.country,
    externalRef: `CRM-${String(index + 1).padStart(6, "0")}`,
    name: { given: given.name, family: family.name, salutation: given.salutation },
    email: `${given.ascii}.${family.ascii}${random.int(1, 99)}@${random.pick(EMAIL_DOMAINS)}`,
    phone: locale.phone(random),
    postalAddress: {
      line1: locale.street(random),
      ...(random.chance(0.12) ? { line2: `Apt ${random.int(1, 60)}` } : {}),
      postalCode: city.postalCode(random),
      city: city.city,
      country: locale.country,
    },
    birthDate: isoDay(Date.UTC(random.int(1948, 2002), random.int(0, 11), random.int(1, 28))),
    preferredLanguage: locale.language,
    preferredBoutique: random.pick(locale.boutiques),
    interests: random.sample(INTERESTS, random.int(1, 3)),
    marketingPreferences: { email: random.chance(0.6), phone: random.chance(0.2), post: random.chance(0.4), sms: random.chance(0.25) },
    purchases,
    warranties,
    serviceOrders: serviceOrdersOf(random, purchases, index),
  };
}

export const DEMO_SEED = 20_210_401;

/** `count` customers, deterministically: the demo dataset is identical on every run. */
export function generateCustomers(count: number, seed = DEMO_SEED): (DemoCustomerRecord & { locale: string })[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, (_, index) => generateCustomer(random, index));
}
