import { createAuditLog, type AuditInput } from "../src/audit/audit-log";
import { integrateAuditLog } from "../src/audit/audit-integrator";
import type { VerifyResult } from "../src/audit/audit-verify";
import { createLogger } from "../src/ops/logger";
import { isMysql } from "../src/db/dialect";
import type { TestGateway } from "./support/gateway";

/** Helpers of the compliance API tests. */

export const auditor = async (gw: TestGateway) => ({ Authorization: `Bearer ${await gw.adminToken()}` });

/** GET as the bootstrap admin (a compliance auditor), failing with the body when the status differs. */
export async function auditGet(gw: TestGateway, path: string, status = 200, headers: Record<string, string> = {}) {
  const response = await gw.http.get(path).set({ ...(await auditor(gw)), ...headers });
  if (response.status !== status) throw new Error(`GET ${path}: expected ${status}, got ${response.status}: ${response.text.slice(0, 500)}`);
  return response;
}

/** Writes an event straight through the audit writer, as any module does. */
export async function writeEvent(gw: TestGateway, input: Partial<AuditInput> = {}): Promise<void> {
  await createAuditLog(gw.dataSource, gw.clock.read, gw.gateway.auditKey).record({
    actorType: "system", actorId: "test", action: "test.event", decision: "allow", status: 200, requestId: "req-test", ip: "127.0.0.1", ...input,
  });
}

export async function eventsWhere<T = Record<string, unknown>>(gw: TestGateway, where: string, params: unknown[] = []): Promise<T[]> {
  return gw.dataSource.query(`SELECT * FROM audit_events WHERE ${where} ORDER BY seq`, params);
}


/** Integrates everything pending into the Merkle tree now, as the gateway's integrator does every half second. */
export async function integrate(gw: TestGateway): Promise<number> {
  return integrateAuditLog({
    dataSource: gw.dataSource, key: gw.gateway.auditKey, clock: gw.clock.read, logger: createLogger("silent"), witnessFile: gw.config.AUDIT_WITNESS_FILE,
  }, 10);
}

export async function verify(gw: TestGateway): Promise<VerifyResult> {
  const response = await auditGet(gw, "/v1/audit/verify");
  return response.body as VerifyResult;
}

/** What a rogue DBA does first: remove the append-only triggers. */
export async function dropTriggers(gw: TestGateway, table: string): Promise<void> {
  for (const trigger of ["no_update", "no_delete", "grow_only", "set_once"]) await gw.dataSource.query(`DROP TRIGGER IF EXISTS ${table}_${trigger}`);
}

/** The tree's leaves as the integrated batches map them, read straight from the table: each batch's entries, from its first leaf on. */
export async function integratedLeaves(gw: Pick<TestGateway, "dataSource">): Promise<{ leafIndex: number; eventId: string; batchId: string }[]> {
  const batches: { batch_id: string; first_leaf: number | string; entries: string }[] = await gw.dataSource.query(
    "SELECT batch_id, first_leaf, entries FROM audit_batches WHERE first_leaf IS NOT NULL ORDER BY first_leaf",
  );
  return batches.flatMap((batch) => batch.entries.split("\n").filter(Boolean).map((line, i) => ({
    leafIndex: Number(batch.first_leaf) + i, eventId: line.split(" ")[0]!, batchId: batch.batch_id,
  })));
}

export async function leafOf(gw: Pick<TestGateway, "dataSource">, eventId: string): Promise<number | undefined> {
  return (await integratedLeaves(gw)).find((leaf) => leaf.eventId === eventId)?.leafIndex;
}

export async function pendingBatchCount(gw: Pick<TestGateway, "dataSource">): Promise<number> {
  const [row]: { n: number | string }[] = await gw.dataSource.query("SELECT COUNT(*) AS n FROM audit_batches WHERE first_leaf IS NULL");
  return Number(row!.n);
}

export async function recreateTriggers(gw: TestGateway, table: string): Promise<void> {
  for (const op of ["UPDATE", "DELETE"]) {
    const trigger = `${table}_no_${op.toLowerCase()}`;
    await gw.dataSource.query(isMysql(gw.dataSource)
      ? `CREATE TRIGGER ${trigger} BEFORE ${op} ON ${table} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${table} is append-only'`
      : `CREATE TRIGGER ${trigger} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`);
  }
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of cells, after the UTF-8 BOM if there is one. */
export function parseCsv(bomAndText: string, delimiter = ","): string[][] {
  const text = bomAndText.replace(/^\uFEFF/, "");
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === delimiter) {
      row.push(cell);
      cell = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else {
      cell += char;
    }
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}
