/**
 * Row generators for the benchmark dataset: plain arrays in table column order, from a seeded
 * generator so the same parameters always give the same data.
 */
export type Row = (string | number | null)[];

export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (next: () => number, digits: number) => {
  let out = "";
  for (let i = 0; i < digits; i++) out += Math.floor(next() * 16).toString(16);
  return out;
};

/**
 * A version-4-shaped UUID drawn from the seeded generator. With `ordinal`, its first eight digits are
 * that number, so rows inserted in ordinal order append to their primary key instead of splitting
 * pages all over it: seeding then takes seconds, not minutes. Lookups by id cost the same either way.
 */
export function uuid(next: () => number, ordinal?: number): string {
  const head = ordinal === undefined ? hex(next, 8) : ordinal.toString(16).padStart(8, "0");
  return `${head}-${hex(next, 4)}-4${hex(next, 3)}-${"89ab"[Math.floor(next() * 4)]}${hex(next, 3)}-${hex(next, 12)}`;
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

export const PURPOSES = ["service_delivery", "in_store_experience", "record_accuracy", "relationship_management"] as const;

/** Dealer 0 is the one the load generator acts as; the rest give the audit log and consents some spread. */
export const DEALERS: { name: string; country: string; safeguard: string | null }[] = [
  { name: "Bench Boutique Paris", country: "FR", safeguard: null },
  ...["DE", "IT", "ES", "CH", "BE", "NL", "AT", "PT", "SE", "DK", "IE", "PL", "FR", "FR", "IT"].map((country, i) => ({ name: `Dealer ${country} ${i + 1}`, country, safeguard: null })),
  { name: "Dealer GB London", country: "GB", safeguard: "adequacy" },
  { name: "Dealer JP Tokyo", country: "JP", safeguard: "adequacy" },
  { name: "Dealer US New York", country: "US", safeguard: "scc" },
  { name: "Dealer SG Singapore", country: "SG", safeguard: null },
];

const GIVEN = ["Amélie", "Louis", "Chloé", "Hugo", "Léa", "Lukas", "Giulia", "Mateo", "Sofia", "Noah", "Emma", "Oliver", "Yuki", "Ines", "Lars"];
const FAMILY = ["Durand", "Martin", "Bernard", "Rossi", "Müller", "García", "Silva", "Jensen", "Novak", "Dubois", "Moreau", "Tanaka", "Smith", "Costa"];
const CITIES = [["Paris", "FR", "75002"], ["Lyon", "FR", "69002"], ["Genève", "CH", "1204"], ["München", "DE", "80331"], ["Milano", "IT", "20121"], ["Madrid", "ES", "28001"]] as const;
const BOUTIQUES = ["Paris Vendôme", "Paris Champs-Élysées", "Genève Rhône", "Milano Montenapoleone", "München Maximilianstraße"];
const INTERESTS = ["watches", "high jewellery", "leather goods", "fragrance", "eyewear", "writing instruments", "bridal"];
const LANGUAGES = ["fr-FR", "de-DE", "it-IT", "en-GB", "es-ES", "ja-JP"];

const day = (next: () => number, fromYear: number, years: number) => {
  const time = Date.UTC(fromYear, 0, 1) + Math.floor(next() * years * 365) * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
};

/** A customer record of contract section 3, about 1 KB of JSON like a real CRM export. */
export function customerProfile(next: () => number, index: number): Record<string, unknown> {
  const given = pick(next, GIVEN);
  const family = pick(next, FAMILY);
  const [city, country, postalCode] = pick(next, CITIES);
  const serial = `SN-${index.toString(36).toUpperCase()}-${hex(next, 4).toUpperCase()}`;
  const bought = day(next, 2019, 6);
  return {
    name: { given, family, salutation: next() < 0.5 ? "Mme" : "M." },
    email: `${given.toLowerCase().normalize("NFD").replace(/[^a-z]/g, "")}.${family.toLowerCase().normalize("NFD").replace(/[^a-z]/g, "")}.${index}@example.com`,
    phone: `+3361${String(index).padStart(7, "0")}`,
    postalAddress: { line1: `${1 + Math.floor(next() * 120)} rue de la Paix`, postalCode, city, country },
    birthDate: day(next, 1950, 50),
    preferredLanguage: pick(next, LANGUAGES),
    preferredBoutique: pick(next, BOUTIQUES),
    interests: INTERESTS.filter(() => next() < 0.3),
    marketingPreferences: { email: next() < 0.6, phone: next() < 0.2, post: next() < 0.4, sms: next() < 0.1 },
    purchases: [{ id: `P-${index}`, date: bought, productRef: `REF-${1000 + Math.floor(next() * 9000)}`, serialNumber: serial, soldBy: pick(next, BOUTIQUES), amount: Math.round(next() * 50_000), currency: "EUR" }],
    warranties: [{ serialNumber: serial, productRef: "REF-5711", startsOn: bought, endsOn: `${Number(bought.slice(0, 4)) + 5}${bought.slice(4)}`, extended: next() < 0.2 }],
    serviceOrders: next() < 0.3 ? [{ id: `SO-${index}`, productRef: "REF-5711", status: pick(next, ["open", "in_repair", "ready", "closed"]), openedAt: `${day(next, 2024, 2)}T09:30:00Z` }] : [],
  };
}

export const AUDIT_COLUMNS = [
  "id", "at", "actor_type", "actor_id", "action", "dealer_id", "customer_id", "purpose", "decision", "reason",
  "consent_id", "grant_id", "fields", "status", "request_id", "ip", "detail",
] as const;

export interface AuditContext {
  dealerIds: string[];
  clientIds: string[];
  grantIds: string[][];
  customerIds: string[];
  adminId: string;
}

const READ_FIELDS = JSON.stringify(["name", "email", "phone", "preferredLanguage", "serviceOrders", "warranties"]);
const DENIALS = ["consent_missing", "consent_withdrawn", "customer_unknown", "purpose_not_granted"];

/** One audit event at `at`, in the mix a live gateway writes: mostly dealer reads, some lookups, tokens and admin changes. */
export function auditEvent(next: () => number, context: AuditContext, at: string): Row {
  const id = uuid(next);
  const requestId = uuid(next);
  const ip = `10.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}.${1 + Math.floor(next() * 254)}`;
  const dealer = Math.floor(next() * context.dealerIds.length);
  const dealerId = context.dealerIds[dealer]!;
  const clientId = context.clientIds[dealer]!;
  const customerId = pick(next, context.customerIds);
  const roll = next();
  if (roll < 0.8) {
    const allowed = next() < 0.9;
    const purpose = pick(next, PURPOSES);
    return [
      id, at, "dealer", clientId, "customer.read", dealerId, customerId, purpose, allowed ? "allow" : "deny", allowed ? null : pick(next, DENIALS),
      allowed ? uuid(next) : null, allowed ? context.grantIds[dealer]![PURPOSES.indexOf(purpose)]! : null, allowed ? READ_FIELDS : null,
      allowed ? 200 : 404, requestId, ip, null,
    ];
  }
  if (roll < 0.9) {
    return [id, at, "dealer", clientId, "customer.lookup", dealerId, customerId, "service_delivery", "allow", null, uuid(next), context.grantIds[dealer]![0]!, READ_FIELDS, 200, requestId, ip, JSON.stringify({ by: "email" })];
  }
  if (roll < 0.97) {
    return [id, at, "dealer", clientId, "token.issue", dealerId, null, null, "allow", null, null, null, null, 200, requestId, ip, JSON.stringify({ scope: PURPOSES.map((p) => `purpose:${p}`).join(" ") })];
  }
  return [id, at, "admin", context.adminId, "consent.record", dealerId, customerId, null, "allow", null, uuid(next), null, null, 201, requestId, ip, JSON.stringify({ purposes: ["service_delivery"] })];
}
