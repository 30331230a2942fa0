import type { Response, Test } from "supertest";
import type { Purpose } from "./support/fixtures";
import type { TestGateway } from "./support/gateway";

/** Helpers shared by the dealer API tests. */

export interface AuditRow {
  action: string;
  actor_type: string;
  actor_id: string;
  decision: string;
  reason: string | null;
  status: number;
  dealer_id: string | null;
  customer_id: string | null;
  purpose: string | null;
  consent_id: string | null;
  grant_id: string | null;
  fields: string[] | null;
  detail: Record<string, unknown> | null;
}

/** The audit events a response's request wrote, JSON columns parsed. */
export async function auditOf(gw: TestGateway, response: Response): Promise<AuditRow[]> {
  const rows: (Omit<AuditRow, "fields" | "detail"> & { fields: string | null; detail: string | null })[] = await gw.dataSource.query(
    `SELECT action, actor_type, actor_id, decision, reason, status, dealer_id, customer_id, purpose, consent_id, grant_id, fields, detail
       FROM audit_events WHERE request_id = ? ORDER BY seq`,
    [response.headers["x-request-id"]],
  );
  return rows.map((row) => ({ ...row, status: Number(row.status), fields: row.fields ? JSON.parse(row.fields) : null, detail: row.detail ? JSON.parse(row.detail) : null }));
}

/** The one audit event a request wrote. */
export async function theAuditOf(gw: TestGateway, response: Response): Promise<AuditRow> {
  const rows = await auditOf(gw, response);
  if (rows.length !== 1) throw new Error(`expected one audit event, found ${rows.length}`);
  return rows[0]!;
}

/** The raw audit rows of a request as text, to prove no personal data went into them. */
export async function rawAuditText(gw: TestGateway, response: Response): Promise<string> {
  return JSON.stringify(await gw.dataSource.query("SELECT * FROM audit_events WHERE request_id = ?", [response.headers["x-request-id"]]));
}

export const withoutRequestId = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });

export function readCustomer(gw: TestGateway, token: string, customerId: string, purpose: Purpose | string = "service_delivery"): Test {
  return gw.http.get(`/v1/customers/${customerId}`).query({ purpose }).auth(token, { type: "bearer" });
}

export async function asAdmin(gw: TestGateway, method: "post" | "put" | "delete" | "patch", path: string, body?: object): Promise<Response> {
  return gw.http[method](path).auth(await gw.adminToken(), { type: "bearer" }).send(body);
}

export const SERVICE_DELIVERY_FIELDS = ["name", "email", "phone", "preferredLanguage", "serviceOrders", "warranties"];
