import { z } from "zod";

/** `purpose` is checked by the decision (400 invalid_purpose: a write names record_accuracy), not by the schema. */
export const writeQuery = z.strictObject({ purpose: z.unknown().optional() });

/** Visible ASCII, no spaces: what a POS can generate and log without escaping. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,128}$/;
export const idempotencyKeyHeader = z.string().regex(IDEMPOTENCY_KEY, "must be 1 to 128 visible ASCII characters")
  .describe("Required on every write. The same key and body within 24 hours replays the first response and writes nothing; the same key with another body is 422 idempotency_key_reused. Use a new key for each new sale.");

/** A point-of-sale write body is small; anything larger is refused (413) before it is looked at. */
export const MAX_WRITE_BODY_BYTES = 4096;
