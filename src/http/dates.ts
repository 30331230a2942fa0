import { z } from "zod";

/**
 * Every date the API accepts is bounded, so that none overflows a fixed-width timestamp column (a 500
 * on MySQL) or is stored as an expanded year (`+010000-…` on SQLite). Instants the gateway keeps and
 * compares (expiries, audit ranges) lie in the years 2000 to 2999; dates inside a customer's record
 * may go back to 1900, since a birth date or an early purchase can precede 2000.
 */
export const INSTANT_RANGE = { from: "2000-01-01T00:00:00.000Z", to: "2999-12-31T23:59:59.999Z" } as const;
export const RECORD_DATE_RANGE = { from: "1900-01-01", to: "2999-12-31" } as const;

const DATE_TIME_FORMAT = "must be an ISO-8601 date-time with a time zone, e.g. 2026-06-01T10:00:00Z";

/** A transform that refuses a time outside the range (bounds inclusive) and otherwise returns `keep(time)`. */
function within(from: string, to: string, shown: string, keep: (value: string, time: number) => string) {
  const [earliest, latest] = [Date.parse(from), Date.parse(to)];
  return z.string().transform((value, ctx) => {
    const time = Date.parse(value);
    if (time >= earliest && time <= latest) return keep(value, time);
    ctx.addIssue({ code: "custom", message: `must lie between ${shown}` });
    return z.NEVER;
  });
}

// Each check is a pipe, so the range is checked only on a well-formed value: a typo gets one clear message.

/** An instant with a time zone, 2000 to 2999, normalised to the stored fixed-width UTC form. */
export const instant = z.iso.datetime({ offset: true, error: DATE_TIME_FORMAT })
  .describe("ISO-8601 date-time with a time zone, between 2000-01-01T00:00:00Z and 2999-12-31T23:59:59Z")
  .pipe(within(INSTANT_RANGE.from, INSTANT_RANGE.to, "2000-01-01T00:00:00Z and 2999-12-31T23:59:59Z", (_value, time) => new Date(time).toISOString()));

/** A date-time inside a customer's record, 1900 to 2999, kept as written. */
export const recordDateTime = z.iso.datetime({ offset: true, error: DATE_TIME_FORMAT })
  .describe("ISO-8601 date-time with a time zone, between 1900-01-01 and 2999-12-31")
  .pipe(within(`${RECORD_DATE_RANGE.from}T00:00:00.000Z`, `${RECORD_DATE_RANGE.to}T23:59:59.999Z`, "1900-01-01 and 2999-12-31 (UTC)", (value) => value));

/** A calendar date (YYYY-MM-DD) inside a customer's record, 1900 to 2999. */
export const recordDate = z.iso.date("must be a date as YYYY-MM-DD")
  .describe("YYYY-MM-DD, between 1900-01-01 and 2999-12-31")
  .pipe(within(`${RECORD_DATE_RANGE.from}T00:00:00.000Z`, `${RECORD_DATE_RANGE.to}T00:00:00.000Z`, "1900-01-01 and 2999-12-31", (value) => value));
