import { z } from "zod";
import { isCountryCode } from "./countries";

export const TRANSFER_SAFEGUARDS = ["adequacy", "scc"] as const;
export const DEALER_STATUSES = ["active", "suspended"] as const;

const dealerName = z.string().trim().min(1, "must not be empty").max(200);

export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code in upper case, e.g. FR")
  .refine(isCountryCode, "is not an assigned ISO 3166-1 alpha-2 code");

const transferSafeguard = z.enum(TRANSFER_SAFEGUARDS);

export const createDealerSchema = z.strictObject({
  name: dealerName,
  country: countryCode,
  transferSafeguard: transferSafeguard.optional(),
});

/** Status changes only through suspend and reinstate, so each is its own audited action. */
export const updateDealerSchema = z
  .strictObject({
    name: dealerName.optional(),
    country: countryCode.optional(),
    transferSafeguard: transferSafeguard.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "give at least one of name, country, transferSafeguard");

export const MAX_PAGE_SIZE = 200;

export const listDealersQuery = z.strictObject({
  status: z.enum(DEALER_STATUSES).optional(),
  country: countryCode.optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});

/** A credential's body carries nothing yet; an empty object keeps room to add options later. */
export const createCredentialSchema = z.strictObject({});

export const CLIENT_ID_PATTERN = /^dlr_[0-9a-f]{24}$/;
