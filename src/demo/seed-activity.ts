import type { RecordedConsent } from "./seed-consents";
import type { DealerKey } from "./demo-dealers";
import { GatewayClient } from "./gateway-client";
import type { SeededDealer } from "./seed-dealers";
import { SeededRandom } from "./seeded-random";

const DAY_MS = 86_400_000;
/** Reads a dealer makes on an ordinary day at the start of the period. */
const DAILY_READS: Record<DealerKey, number> = { fr: 9, ch: 5, jp: 2, us: 2 };
/** Sunday to Saturday: boutiques are busiest at the end of the week and mostly closed on Sunday. */
const WEEKDAY_FACTOR = [0.1, 0.6, 0.8, 0.9, 1, 1.3, 1.6];

export interface ActivityOptions {
  baseUrl: string;
  dealers: Record<DealerKey, SeededDealer>;
  consents: RecordedConsent[];
  customerIds: string[];
  /** The gateway's time now: the history runs from the day after it. */
  now: () => Date;
  /** The last moment of the history, where the clock is left. */
  until: Date;
  /** Moves the gateway's clock forward to the given time. */
  moveTo: (at: Date) => void;
  seed: number;
}

interface Visit {
  at: number;
  dealer: DealerKey;
  customerId: string;
  purpose: string;
}

/** The reads of one day: each dealer's volume grows over the period and follows the week, at shop hours. */
function visitsOf(day: number, share: number, options: ActivityOptions, live: Map<DealerKey, RecordedConsent[]>, random: SeededRandom): Visit[] {
  const visits: Visit[] = [];
  const weekday = new Date(day).getUTCDay();
  for (const dealer of Object.keys(DAILY_READS) as DealerKey[]) {
    const consents = live.get(dealer) ?? [];
    if (consents.length === 0) continue;
    const expected = DAILY_READS[dealer] * WEEKDAY_FACTOR[weekday]! * (0.7 + 0.6 * share);
    const count = Math.round(expected * (0.75 + random.next() * 0.5));
    for (let index = 0; index < count; index++) {
      // Now and then a customer the dealer has no consent for: the gateway refuses, and the log shows it.
      const stray = random.chance(0.08);
      const consent = consents[random.int(0, consents.length - 1)]!;
      const customerId = stray ? options.customerIds[random.int(0, options.customerIds.length - 1)]! : options.customerIds[consent.customerIndex]!;
      visits.push({ at: day + 9 * 3_600_000 + Math.floor(random.next() * 10 * 3_600_000), dealer, customerId, purpose: consent.purposes[0]! });
    }
  }
  return visits.sort((a, b) => a.at - b.at);
}

/**
 * Weeks of dealer activity through the dealer API, each request made with the gateway's clock moved to
 * its time, so the audit log (written, signed and integrated by the gateway as for any request) and the
 * activity charts show a working pattern rather than one burst. Returns how many requests were made.
 */
export async function seedActivity(options: ActivityOptions): Promise<number> {
  const random = new SeededRandom(options.seed ^ 0xac7);
  const live = new Map<DealerKey, RecordedConsent[]>();
  for (const consent of options.consents) {
    if (consent.term === "seconds" || consent.withdraw === "all") continue;
    live.set(consent.dealer, [...(live.get(consent.dealer) ?? []), consent]);
  }
  const first = Math.floor(options.now().getTime() / DAY_MS) * DAY_MS + DAY_MS;
  const last = Math.floor(options.until.getTime() / DAY_MS) * DAY_MS;
  const tokens = new Map<DealerKey, GatewayClient>();
  const client = new GatewayClient(options.baseUrl);
  let requests = 0;
  for (let day = first; day <= last; day += DAY_MS) {
    const share = last === first ? 1 : (day - first) / (last - first);
    // A dealer integration takes a new token at its first call of the week.
    if (new Date(day).getUTCDay() === 1 || day === first) tokens.clear();
    for (const visit of visitsOf(day, share, options, live, random)) {
      if (visit.at > options.until.getTime()) break;
      options.moveTo(new Date(visit.at));
      let dealer = tokens.get(visit.dealer);
      if (!dealer) {
        const { clientId, clientSecret } = options.dealers[visit.dealer];
        dealer = await client.dealerToken(clientId, clientSecret);
        tokens.set(visit.dealer, dealer);
      }
      // 200, or the refusals the log records: 404 (no consent, restricted), 403 (no transfer safeguard).
      await dealer.call("GET", `/v1/customers/${visit.customerId}?purpose=${visit.purpose}`, undefined, [200, 403, 404]);
      requests += 1;
    }
  }
  options.moveTo(options.until);
  return requests;
}
