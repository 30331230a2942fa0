import { z } from "zod";
import { instant } from "../http/dates";
import type { Purpose } from "../purposes/purpose.entity";

/** The one purpose under which a dealer may also write (contract 4.1). */
export const WRITABLE_PURPOSE = "record_accuracy";

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
  // The pipe checks the time only on a date-time in range, so a typo gets one clear message.
  const expiresAt = instant.pipe(z.string().refine((value) => Date.parse(value) > now.getTime(), "must be in the future"));
  return z.strictObject({
    fields: fields.nullable().optional(),
    expiresAt: expiresAt.nullable().optional(),
    write: z.boolean().optional().refine((write) => write !== true || purpose.id === WRITABLE_PURPOSE, `only a ${WRITABLE_PURPOSE} grant may allow writing`),
  });
}

export const listGrantsQuery = z.strictObject({ include: z.literal("revoked").optional() });
