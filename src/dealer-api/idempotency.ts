import { createHash } from "node:crypto";
import type { EntityManager } from "typeorm";
import { isUniqueViolation } from "../db/db-errors";
import { isMysql } from "../db/dialect";
import { IdempotentWriteEntity } from "./idempotent-write.entity";

/** How long a write's result is kept for replay (contract 4.1); the retention run purges older ones. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface IdempotencySlot {
  dealerId: string;
  key: string;
  customerId: string;
  requestHash: string;
}

export type Claim = { claimed: true } | { replay: { status: number; body: unknown } } | { reused: true };

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  return value;
}

/** The request a key stands for: the same route, customer, purpose and body (key order aside) hash alike. */
export function requestHashOf(parts: { action: string; customerId: string; purpose: unknown; body: unknown }): string {
  return createHash("sha256").update(JSON.stringify(canonical(parts))).digest("hex");
}

/**
 * Claims the key for this write by inserting its row, in the write's transaction. The primary key
 * (dealer, key) decides between concurrent retries: the database makes the second INSERT wait for the
 * first transaction and then fail, and the loser replays the winner's stored response. Nothing is
 * checked before the insert, so there is no window between a check and an insert.
 */
export async function claimIdempotencyKey(manager: EntityManager, slot: IdempotencySlot, now: Date): Promise<Claim> {
  const row = { dealerId: slot.dealerId, idempotencyKey: slot.key, customerId: slot.customerId, requestHash: slot.requestHash, status: 0, response: "", createdAt: now.toISOString() };
  try {
    await manager.insert(IdempotentWriteEntity, row);
    return { claimed: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  // A locking read sees the committed row whatever this transaction's snapshot holds.
  const lock = isMysql(manager.connection) ? { lock: { mode: "pessimistic_write" as const } } : {};
  const stored = await manager.findOne(IdempotentWriteEntity, { where: { dealerId: slot.dealerId, idempotencyKey: slot.key }, ...lock });
  if (!stored) throw new Error("idempotency row vanished after a duplicate-key error");
  if (stored.createdAt <= windowStart(now)) {
    // Older than the window and not purged yet: the key is free again.
    await manager.update(IdempotentWriteEntity, { dealerId: slot.dealerId, idempotencyKey: slot.key }, row);
    return { claimed: true };
  }
  if (stored.requestHash !== slot.requestHash) return { reused: true };
  return { replay: { status: stored.status, body: JSON.parse(stored.response) } };
}

/** Stores the response of the write that holds the claim, so that a retry gets it back. */
export async function storeIdempotentResult(manager: EntityManager, slot: IdempotencySlot, status: number, body: unknown): Promise<void> {
  await manager.update(IdempotentWriteEntity, { dealerId: slot.dealerId, idempotencyKey: slot.key }, { status, response: JSON.stringify(body) });
}

/** Gives the key back when the write was refused after claiming it: nothing was written, so a retry may run again. */
export async function releaseIdempotencyKey(manager: EntityManager, slot: IdempotencySlot): Promise<void> {
  await manager.delete(IdempotentWriteEntity, { dealerId: slot.dealerId, idempotencyKey: slot.key });
}

const windowStart = (now: Date) => new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();

/** Retention: results past the window are no longer replayed. */
export async function purgeIdempotentResults(manager: EntityManager, now: Date): Promise<number> {
  const result = await manager.createQueryBuilder().delete().from(IdempotentWriteEntity).where("created_at <= :cutoff", { cutoff: windowStart(now) }).execute();
  return result.affected ?? 0;
}

export async function countIdempotentResultsToPurge(manager: EntityManager, now: Date): Promise<number> {
  const rows: { n: number | string }[] = await manager.query("SELECT COUNT(*) AS n FROM idempotent_writes WHERE created_at <= ?", [windowStart(now)]);
  return Number(rows[0]?.n ?? 0);
}

/** Erasure: the stored responses hold what the dealer registered for the customer. */
export async function eraseIdempotentResults(manager: EntityManager, customerId: string): Promise<void> {
  await manager.delete(IdempotentWriteEntity, { customerId });
}
