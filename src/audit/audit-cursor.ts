import { createHash } from "node:crypto";
import { z } from "zod";
import { problems } from "../http/problem";

/**
 * Opaque keyset cursors: base64url JSON holding the last position returned and a digest of the query
 * it belongs to, so a cursor replayed with other filters is refused instead of silently skipping rows.
 */
const cursorSchema = z.strictObject({ v: z.literal(1), after: z.string().regex(/^\d{1,18}$/), query: z.string().length(16) });

function queryDigest(query: unknown): string {
  return createHash("sha256").update(JSON.stringify(query)).digest("hex").slice(0, 16);
}

export function encodeCursor(position: string | number, query: unknown): string {
  return Buffer.from(JSON.stringify({ v: 1, after: String(position), query: queryDigest(query) })).toString("base64url");
}

/** The position a cursor continues from; a cursor that is malformed or belongs to another query is a 400. */
export function decodeCursor(cursor: string, query: unknown): number {
  const refuse = () => problems.validation("Query parameter cursor is not a cursor this query returned", [{ path: "cursor", message: "invalid cursor" }]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.query !== queryDigest(query)) throw refuse();
  return Number(parsed.data.after);
}
