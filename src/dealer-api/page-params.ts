import { z } from "zod";
import { problems } from "../http/problem";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/** `limit` as it arrives in a query string: digits only, 1 to 500. */
export const limitParam = z
  .string()
  .regex(/^\d{1,4}$/, "must be a whole number")
  .transform(Number)
  .pipe(z.number().int().min(1, "must be at least 1").max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`))
  .optional();

export const cursorParam = z.string().max(200).optional();

type CursorKind = "customer" | "event";

/** An opaque cursor: base64url of "<kind>:<position>", so that clients treat it as a token, not a number. */
export function encodeCursor(kind: CursorKind, position: string): string {
  return Buffer.from(`${kind}:${position}`, "utf8").toString("base64url");
}

/** The position inside a cursor this gateway issued; anything else is a 400 that says so. */
export function decodeCursor(raw: string, kind: CursorKind, isPosition: (value: string) => boolean): string {
  const prefix = `${kind}:`;
  const decoded = /^[A-Za-z0-9_-]+$/.test(raw) ? Buffer.from(raw, "base64url").toString("utf8") : "";
  const position = decoded.startsWith(prefix) ? decoded.slice(prefix.length) : "";
  if (!position || !isPosition(position) || encodeCursor(kind, position) !== raw) {
    throw problems.validation("Query parameter cursor is not a cursor this endpoint issued", [{ path: "cursor", message: "invalid cursor" }]);
  }
  return position;
}
