import { randomFillSync } from "node:crypto";

/** Random bytes drawn 256 ids at a time: one call into the system's generator instead of one per id. */
const pool = Buffer.alloc(16 * 256);
let used = pool.length;

/**
 * A UUID version 7 (RFC 9562, section 5.7): 48 bits of Unix milliseconds, then 74 random bits. A table
 * keyed or indexed by random UUIDs takes each insert at a random place of its index, so once the index
 * outgrows the buffer pool nearly every insert reads and dirties a page of its own, and writing gets
 * slower as the table grows; ids that grow with time are inserted at the index's right edge. The
 * package `uuid` has version 7 only from its ESM-only releases, and the gateway compiles to CommonJS.
 */
export function timeOrderedUuid(now = Date.now()): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = pool.subarray(used, (used += 16));
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
