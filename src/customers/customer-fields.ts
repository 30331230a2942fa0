import { z } from "zod";
import { recordDate, recordDateTime } from "../http/dates";

export const shortText = (max = 200) => z.string().trim().min(1).max(max);
/** E.164: a plus sign and up to 15 digits. Input may carry spaces, dots, dashes or parentheses. */
export function normalisePhone(raw: string): string | null {
  const compact = raw.replace(/[\s().-]/g, "");
  const withPlus = compact.startsWith("00") ? `+${compact.slice(2)}` : compact;
  return /^\+[1-9]\d{6,14}$/.test(withPlus) ? withPlus : null;
}

const phone = z.string().max(32).transform((value, ctx) => {
  const normalised = normalisePhone(value);
  if (!normalised) {
    ctx.addIssue({ code: "custom", message: "must be a phone number in E.164 form, e.g. +33142123456" });
    return z.NEVER;
  }
  return normalised;
});

const languageTag = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a BCP 47 language tag, e.g. fr-FR");
export const currency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code, e.g. EUR");

/** At most this many purchases, and this many warranties, per customer, however they were recorded. */
export const MAX_RECORD_ENTRIES = 1000;

export const marketingPreferencesSchema = z.strictObject({ email: z.boolean(), phone: z.boolean(), post: z.boolean(), sms: z.boolean() });
export const purchaseSchema = z.strictObject({
  id: shortText(64), date: recordDate, productRef: shortText(64), serialNumber: shortText(64).optional(), soldBy: shortText(),
  amount: z.number().nonnegative().max(1e9).optional(), currency: currency.optional(),
});
export const warrantySchema = z.strictObject({
  serialNumber: shortText(64), productRef: shortText(64), startsOn: recordDate, endsOn: recordDate, extended: z.boolean(),
});

/** The customer record of contract section 3: every field a purpose may release. */
export const customerDataSchema = z.strictObject({
  name: z.strictObject({ given: shortText(), family: shortText(), salutation: shortText(40).optional() }),
  email: z.email().max(254).optional(),
  phone: phone.optional(),
  postalAddress: z.strictObject({
    line1: shortText(), line2: shortText().optional(), postalCode: shortText(20), city: shortText(100),
    country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code"),
  }).optional(),
  birthDate: recordDate.optional(),
  preferredLanguage: languageTag.optional(),
  preferredBoutique: shortText().optional(),
  interests: z.array(shortText(100)).max(50).optional(),
  marketingPreferences: marketingPreferencesSchema.optional(),
  purchases: z.array(purchaseSchema).max(MAX_RECORD_ENTRIES).optional(),
  warranties: z.array(warrantySchema).max(MAX_RECORD_ENTRIES).optional(),
  serviceOrders: z.array(z.strictObject({
    id: shortText(64), productRef: shortText(64), status: shortText(32), openedAt: recordDateTime,
  })).max(100).optional(),
});

export type CustomerData = z.infer<typeof customerDataSchema>;
export type CustomerField = keyof CustomerData;
export const CUSTOMER_FIELDS = Object.keys(customerDataSchema.shape) as CustomerField[];
