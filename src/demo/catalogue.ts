import type { SeededRandom } from "./seeded-random";

/** The house's products as the CRM knows them: a reference, a family and a price range. */
export interface Product {
  ref: string;
  label: string;
  kind: "watch" | "jewellery";
  priceEur: [number, number];
}

export const PRODUCTS: Product[] = [
  { ref: "MER-3810G-001", label: "Méridien automatic, white gold", kind: "watch", priceEur: [18_000, 26_000] },
  { ref: "MER-3810R-010", label: "Méridien automatic, rose gold", kind: "watch", priceEur: [19_000, 27_000] },
  { ref: "SOL-5207P-001", label: "Solstice perpetual calendar, platinum", kind: "watch", priceEur: [95_000, 140_000] },
  { ref: "TMP-5980A-014", label: "Tempête chronograph, steel", kind: "watch", priceEur: [12_000, 16_000] },
  { ref: "TMP-5980R-001", label: "Tempête chronograph, rose gold", kind: "watch", priceEur: [38_000, 52_000] },
  { ref: "AQN-5167A-001", label: "Aquanaute diver, steel", kind: "watch", priceEur: [9_500, 13_000] },
  { ref: "LUN-4910G-010", label: "Lune ladies' quartz, diamond bezel", kind: "watch", priceEur: [14_000, 21_000] },
  { ref: "ETL-R0452-WG", label: "Étoile solitaire ring, 1.2 ct", kind: "jewellery", priceEur: [16_000, 32_000] },
  { ref: "ETL-B1120-RG", label: "Étoile bracelet, rose gold", kind: "jewellery", priceEur: [7_500, 11_000] },
  { ref: "LUM-N0788-PT", label: "Lumière necklace, platinum and sapphire", kind: "jewellery", priceEur: [24_000, 48_000] },
  { ref: "CRD-E0311-YG", label: "Corde earrings, yellow gold", kind: "jewellery", priceEur: [4_200, 6_800] },
  { ref: "CRD-C0077-WG", label: "Corde cufflinks, white gold", kind: "jewellery", priceEur: [3_100, 4_500] },
];

export const INTERESTS = [
  "complications", "chronographs", "diving watches", "ladies' watches", "high jewellery", "engagement rings",
  "vintage pieces", "limited editions", "watchmaking workshops", "gem-set pieces", "travel", "classical music",
];

export const SERVICE_STATUSES = ["received", "quoted", "in_repair", "quality_check", "ready_for_pickup", "delivered"];

/** Where a purchase was made; the currency follows the boutique's country. */
export const BOUTIQUE_CURRENCY: Record<string, { currency: string; perEur: number }> = {
  FR: { currency: "EUR", perEur: 1 }, DE: { currency: "EUR", perEur: 1 }, IT: { currency: "EUR", perEur: 1 },
  CH: { currency: "CHF", perEur: 0.94 }, JP: { currency: "JPY", perEur: 162 }, GB: { currency: "GBP", perEur: 0.85 }, US: { currency: "USD", perEur: 1.08 },
};

/** A price in the boutique's currency, rounded the way list prices are. */
export function priceIn(random: SeededRandom, product: Product, country: string): { amount: number; currency: string } {
  const { currency, perEur } = BOUTIQUE_CURRENCY[country] ?? BOUTIQUE_CURRENCY.FR!;
  const eur = random.int(product.priceEur[0], product.priceEur[1]);
  const step = currency === "JPY" ? 10_000 : 50;
  return { amount: Math.round((eur * perEur) / step) * step, currency };
}
