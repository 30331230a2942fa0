import { z } from "zod";
import { marketingPreferencesSchema, purchaseSchema, warrantySchema } from "./customer-fields";

/** What a dealer sends at the point of sale (contract 4.1). */

const DAY_ORDER = "endsOn must not be before startsOn";

/** `soldBy` and `id` are set by the gateway, never taken from the dealer. */
export const purchaseBody = purchaseSchema.omit({ id: true, soldBy: true })
  .refine((body) => (body.amount === undefined) === (body.currency === undefined), { message: "give amount and currency together", path: ["currency"] });

export const warrantyBody = warrantySchema.refine((body) => body.endsOn >= body.startsOn, { message: DAY_ORDER, path: ["endsOn"] });

export const marketingPreferencesBody = marketingPreferencesSchema.extend({
  evidenceRef: z.string().trim().min(1).max(255).optional().describe("The customer's signed request; required to turn a channel that is off back on"),
});
