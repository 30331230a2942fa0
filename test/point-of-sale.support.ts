import { randomUUID } from "node:crypto";
import type { Test } from "supertest";
import type { TestGateway } from "./support/gateway";

/** Helpers shared by the point-of-sale write tests (contract 4.1). */

export const PURCHASE = { date: "2026-05-30", productRef: "REF-5711", serialNumber: "SN-NEW-1", amount: 41000, currency: "EUR" };
export const WARRANTY = { serialNumber: "SN-NEW-1", productRef: "REF-5711", startsOn: "2026-05-30", endsOn: "2028-05-30", extended: false };
export const ALL_ON = { email: true, phone: true, post: true, sms: true };

export type WriteRoute = "purchases" | "warranties" | "marketing-preferences";

export const BODIES: Record<WriteRoute, object> = {
  purchases: PURCHASE,
  warranties: WARRANTY,
  "marketing-preferences": { email: false, phone: false, post: true, sms: false },
};

/** One point-of-sale write with a fresh Idempotency-Key unless one is given. */
export function write(
  gw: TestGateway, token: string, customerId: string, route: WriteRoute, body: object = BODIES[route],
  options: { key?: string | null; purpose?: string | null } = {},
): Test {
  const purpose = options.purpose === undefined ? "record_accuracy" : options.purpose;
  const path = `/v1/customers/${customerId}/${route}${purpose === null ? "" : `?purpose=${purpose}`}`;
  const request = (route === "marketing-preferences" ? gw.http.put(path) : gw.http.post(path)).auth(token, { type: "bearer" });
  const key = options.key === undefined ? randomUUID() : options.key;
  return (key === null ? request : request.set("Idempotency-Key", key)).send(body);
}

export async function countRows(gw: TestGateway, sql: string, params: unknown[] = []): Promise<number> {
  const rows: { n: number | string }[] = await gw.dataSource.query(sql, params);
  return Number(rows[0]!.n);
}

/** The stored record of a customer, straight from the database. */
export async function storedRecord(gw: TestGateway, customerId: string): Promise<Record<string, unknown> | null> {
  const rows: { profile: string | null }[] = await gw.dataSource.query("SELECT profile FROM customers WHERE id = ?", [customerId]);
  return rows[0]?.profile ? (JSON.parse(rows[0].profile) as Record<string, unknown>) : null;
}
