import { createHash } from "node:crypto";
import { z } from "zod";
import { problems } from "./problem";

const envelope = z.strictObject({ p: z.unknown(), s: z.string().length(16) });

function scopeDigest(scope: unknown): string {
  return createHash("sha256").update(JSON.stringify(scope ?? null)).digest("hex").slice(0, 16);
}

/**
 * An opaque keyset cursor: the last position a page returned, and a digest of the listing it belongs
 * to (endpoint and filters), so a cursor replayed elsewhere is refused instead of silently skipping rows.
 */
export function encodeCursor(position: unknown, scope: unknown): string {
  return Buffer.from(JSON.stringify({ p: position, s: scopeDigest(scope) })).toString("base64url");
}

/** The position a cursor continues from; a cursor that is malformed or belongs to another listing is a 400. */
export function decodeCursor<T>(cursor: string, position: z.ZodType<T>, scope: unknown): T {
  const refuse = () => problems.validation("Query parameter cursor is not one this listing returned", [{ path: "cursor", message: "invalid cursor" }]);
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw refuse();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  const parsed = envelope.safeParse(decoded);
  if (!parsed.success || parsed.data.s !== scopeDigest(scope)) throw refuse();
  const value = position.safeParse(parsed.data.p);
  if (!value.success) throw refuse();
  return value.data;
}
