import { z } from "zod";
import type { Purpose } from "../purposes/purpose.entity";

/** Later than this, an ISO timestamp no longer fits the fixed-width columns. */
const LATEST_EXPIRY = Date.parse("9999-01-01T00:00:00.000Z");

/** The grant body for one purpose, checked against that purpose's fields and the current time. */
export function grantBodySchema(purpose: Purpose, now: Date) {
  const allowed = new Set<string>(purpose.fields);
  const fields = z.array(z.string().max(64)).min(1, "must name at least one field").max(purpose.fields.length * 2).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((field, index) => {
      if (!allowed.has(field)) ctx.addIssue({ code: "custom", path: [index], message: `${field} is not a field of purpose ${purpose.id} (allowed: ${purpose.fields.join(", ")})` });
      else if (seen.has(field)) ctx.addIssue({ code: "custom", path: [index], message: `${field} is listed twice` });
      seen.add(field);
    });
  });
  // The pipe runs the time checks only on a well-formed date-time, so a typo gets one clear message.
  const expiresAt = z.iso.datetime({ offset: true }).pipe(z.string().transform((value, ctx) => {
    const time = Date.parse(value);
    if (!(time > now.getTime())) ctx.addIssue({ code: "custom", message: "must be in the future" });
    else if (!(time < LATEST_EXPIRY)) ctx.addIssue({ code: "custom", message: "must be before the year 9999" });
    else return new Date(time).toISOString();
    return z.NEVER;
  }));
  return z.strictObject({
    fields: fields.nullable().optional(),
    expiresAt: expiresAt.nullable().optional(),
  });
}

export const listGrantsQuery = z.strictObject({ include: z.literal("revoked").optional() });
