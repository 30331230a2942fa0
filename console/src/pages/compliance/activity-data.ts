import { searchAuditEvents } from "../../api/audit";
import type { AuditEvent } from "../../api/types";

/** The dealer actions that reach customer data: what "an access" means on the chart. */
export const ACCESS_ACTIONS = ["customer.read", "customer.lookup", "customer.list"] as const;
const PAGE_SIZE = 500;
/** Per action; beyond this the chart says it is incomplete rather than loading without end. */
const MAX_EVENTS_PER_ACTION = 10_000;

export interface DayCount {
  day: string;
  allow: number;
  deny: number;
}

export interface DealerSeries {
  dealerId: string;
  dealerName?: string;
  days: DayCount[];
  allow: number;
  deny: number;
}

export async function fetchAccessEvents(from: string, to: string): Promise<{ events: AuditEvent[]; truncated: boolean }> {
  let truncated = false;
  const perAction = await Promise.all(ACCESS_ACTIONS.map(async (action) => {
    const events: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await searchAuditEvents({ action, from, to }, { cursor, limit: PAGE_SIZE });
      events.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && events.length < MAX_EVENTS_PER_ACTION);
    if (cursor) truncated = true;
    return events;
  }));
  return { events: perAction.flat(), truncated };
}

/** A local calendar day (YYYY-MM-DD) of an instant, in the browser's time zone: the zone the log shows times in. */
export function localDay(time: Date): string {
  return new Date(time.getTime() - time.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

/** Local midnight at the start of a calendar day, as an instant. */
export function startOfLocalDay(day: string): Date {
  return new Date(`${day}T00:00:00`);
}

/** The local midnight that ends the day: the next day's start, whatever the length of the day (daylight saving). */
export function endOfLocalDay(day: string): Date {
  const next = startOfLocalDay(day);
  next.setDate(next.getDate() + 1);
  return next;
}

/** Every local day from `fromDay` to `toDay` inclusive, as YYYY-MM-DD. */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const days: string[] = [];
  if (!fromDay || !toDay) return days;
  for (let day = fromDay; day <= toDay && days.length <= 400; day = localDay(endOfLocalDay(day))) days.push(day);
  return days;
}

/** Counts per dealer per local day, busiest dealer first, with the dealer's name as the events carry it; events without a dealer (unknown clients) are left out. */
export function seriesByDealer(events: AuditEvent[], days: string[]): DealerSeries[] {
  const byDealer = new Map<string, Map<string, DayCount>>();
  const names = new Map<string, string>();
  for (const event of events) {
    if (!event.dealerId) continue;
    if (event.dealerName) names.set(event.dealerId, event.dealerName);
    const day = localDay(new Date(event.at));
    const dealerDays = byDealer.get(event.dealerId) ?? new Map(days.map((item) => [item, { day: item, allow: 0, deny: 0 }]));
    byDealer.set(event.dealerId, dealerDays);
    const count = dealerDays.get(day);
    if (count) count[event.decision] += 1;
  }
  return [...byDealer.entries()]
    .map(([dealerId, dealerDays]) => {
      const counts = [...dealerDays.values()];
      return { dealerId, dealerName: names.get(dealerId), days: counts, allow: counts.reduce((sum, c) => sum + c.allow, 0), deny: counts.reduce((sum, c) => sum + c.deny, 0) };
    })
    .sort((a, b) => b.allow + b.deny - (a.allow + a.deny) || a.dealerId.localeCompare(b.dealerId));
}
