import { z } from "zod";
import { customerDataSchema } from "./customer-fields";

/** The CRM's id: printable ASCII, no leading or trailing space, so both databases compare it the same way. */
export const externalRefSchema = z.string().regex(/^[\x21-\x7E]([\x20-\x7E]{0,126}[\x21-\x7E])?$/, "must be 1-128 printable ASCII characters without leading or trailing spaces");

/** A customer as the CRM sends it: the record of contract section 3 plus its externalRef. */
export const customerInputSchema = z.strictObject({ externalRef: externalRefSchema, ...customerDataSchema.shape });
export type CustomerInput = z.infer<typeof customerInputSchema>;

type NullableShape<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.ZodNullable<S[K]> };

function nullableFields<S extends Record<string, z.ZodType>>(shape: S): NullableShape<S> {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, schema.nullable()])) as NullableShape<S>;
}

const { name, ...optionalFields } = customerDataSchema.shape;

/** A partial record: a given field replaces the stored one whole; `null` removes an optional field. */
export const customerPatchSchema = z.strictObject({
  externalRef: externalRefSchema.optional(),
  name: name.optional(),
  ...nullableFields(optionalFields),
}).refine((patch) => Object.keys(patch).length > 0, "give at least one field to change");
export type CustomerPatch = z.infer<typeof customerPatchSchema>;

/** `GET /v1/admin/customers`: exactly one filter. */
export const customerSearchSchema = z.strictObject({
  externalRef: externalRefSchema.optional(),
  email: z.string().min(1).max(254).optional(),
}).refine((query) => (query.externalRef === undefined) !== (query.email === undefined), "give exactly one of externalRef or email");
