import type { Response } from "express";
import type { DataSource } from "typeorm";
import { problems } from "../http/problem";
import { publicAuditEvent, type AuditEventRow, type PublicAuditEvent } from "./audit-event-rows";
import type { AuditFilters } from "./audit-filters";
import type { AuditKey } from "./audit-key";
import { currentCheckpoint, inclusionProofFor } from "./audit-proofs";
import { leafIndexesInBatches } from "./audit-tree-store";
import { auditEventRows } from "./audit-query";
import { csvRow, UTF8_BOM, type CsvSeparator } from "./csv";

export const EXPORT_FORMATS = { "text/csv": "csv", "application/x-ndjson": "ndjson" } as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[keyof typeof EXPORT_FORMATS];

/** Rows fetched per database round trip; memory use is bounded by one page whatever the export's size. */
export const EXPORT_PAGE_SIZE = 1000;

/** An exported event: its Merkle leaf index once integrated (null before), and with `proofs=1` its inclusion proof. */
type ExportedEvent = PublicAuditEvent & { leafIndex: number | null; treeSize?: number; inclusionProof?: string[] };

const CSV_COLUMNS = [
  "id", "at", "actorType", "actorId", "action", "dealerId", "customerId", "purpose", "decision", "reason",
  "consentId", "grantId", "fields", "status", "requestId", "ip", "detail", "leafIndex",
] as const satisfies readonly (keyof ExportedEvent)[];

function csvLine(event: ExportedEvent, separator: CsvSeparator): string {
  return csvRow(CSV_COLUMNS.map((column) => {
    const value = event[column];
    if (column === "fields") return event.fields?.join(" ");
    if (column === "detail") return value === undefined ? undefined : JSON.stringify(value);
    return value as string | number | undefined;
  }), separator);
}

const LINE: Record<ExportFormat, (event: ExportedEvent, separator: CsvSeparator) => string> = {
  csv: csvLine,
  ndjson: (event) => `${JSON.stringify(event)}\n`,
};

const CONTENT_TYPE: Record<ExportFormat, string> = { csv: "text/csv; charset=utf-8", ndjson: "application/x-ndjson; charset=utf-8" };

/**
 * Writes a chunk and, when the socket's buffer is full, waits for it to drain; false once the client
 * has gone away, so a slow or vanished reader never makes the gateway buffer the export.
 */
export async function writeWithBackpressure(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(chunk)) return true;
  return new Promise((resolve) => {
    const settle = (open: boolean) => () => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(open);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}

export interface ExportProofs {
  key: AuditKey;
  treeSize?: number;
}

/** Adds leaf indexes to a page of events, and inclusion proofs when asked for. */
async function exported(dataSource: DataSource, rows: AuditEventRow[], proofs: (ExportProofs & { treeSize: number }) | undefined): Promise<ExportedEvent[]> {
  const indexes = await leafIndexesInBatches(dataSource, rows.map((row) => ({ id: row.id, batch_id: row.batch_id ?? null })));
  return Promise.all(rows.map(async (row) => {
    const leafIndex = indexes.get(row.id) ?? null;
    const event = { ...publicAuditEvent(row), leafIndex };
    if (!proofs || leafIndex === null || leafIndex >= proofs.treeSize) return event;
    const proof = await inclusionProofFor(dataSource, row, leafIndex, proofs.treeSize);
    return { ...event, treeSize: proof.treeSize, inclusionProof: proof.inclusionProof };
  }));
}

/**
 * Streams every event matching the filters, newest first, one keyset page at a time. A CSV export starts
 * with a UTF-8 byte order mark, so that Excel reads it as UTF-8, and uses `separator` between cells.
 */
export async function streamAuditExport(
  res: Response, dataSource: DataSource, filters: AuditFilters, format: ExportFormat, now: Date, proofs?: ExportProofs, separator: CsvSeparator = ",",
): Promise<void> {
  const latest = proofs ? (await currentCheckpoint(dataSource, proofs.key)).treeSize : 0;
  if (proofs && format !== "ndjson") throw problems.validation("proofs=1 needs the NDJSON export");
  if (proofs?.treeSize !== undefined && proofs.treeSize > latest) throw problems.validation(`treeSize ${proofs.treeSize} is beyond the latest checkpoint (${latest})`);
  const withSize = proofs ? { ...proofs, treeSize: proofs.treeSize ?? latest } : undefined;
  const stamp = now.toISOString().replace(/[-:]/g, "").slice(0, 15);
  res.status(200);
  res.setHeader("Content-Type", CONTENT_TYPE[format]);
  res.setHeader("Content-Disposition", `attachment; filename="audit-events-${stamp}.${format}"`);
  res.setHeader("Cache-Control", "no-store");
  if (format === "csv" && !(await writeWithBackpressure(res, UTF8_BOM + csvRow([...CSV_COLUMNS], separator)))) return;
  let before: number | undefined;
  for (;;) {
    const rows: AuditEventRow[] = await auditEventRows(dataSource, filters, { before, limit: EXPORT_PAGE_SIZE });
    for (const event of await exported(dataSource, rows, withSize)) {
      if (!(await writeWithBackpressure(res, LINE[format](event, separator)))) return;
    }
    if (rows.length < EXPORT_PAGE_SIZE) break;
    before = Number(rows[rows.length - 1]!.seq);
  }
  res.end();
}
