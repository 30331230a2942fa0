import type { DemoCustomerRecord } from "./customer-generator";
import { inParallel, type GatewayClient } from "./gateway-client";

/** Lines per import request: large enough to be quick, well below IMPORT_BODY_LIMIT. */
const LINES_PER_REQUEST = 500;

interface ImportReport {
  created: number;
  updated: number;
  rejected: { line: number; reason: string }[];
  total: number;
}

function toNdjson(records: DemoCustomerRecord[]): string {
  return `${records.map((record) => JSON.stringify(record)).join("\n")}\n`;
}

/** Imports the records through `POST /v1/admin/customers/import`, a few hundred lines per request. */
export async function importCustomers(admin: GatewayClient, records: DemoCustomerRecord[]): Promise<number> {
  let imported = 0;
  for (let start = 0; start < records.length; start += LINES_PER_REQUEST) {
    const report = await admin.call<ImportReport>("POST", "/v1/admin/customers/import", toNdjson(records.slice(start, start + LINES_PER_REQUEST)), [200]);
    if (report.rejected.length > 0) throw new Error(`the import refused ${report.rejected.length} demo lines, first: ${JSON.stringify(report.rejected[0])}`);
    imported += report.created + report.updated;
  }
  return imported;
}

/** The gateway ids of the customers at `indices`, found by externalRef as the CRM would. */
export async function customerIdsByIndex(admin: GatewayClient, records: DemoCustomerRecord[], indices: number[], concurrency: number): Promise<Map<number, string>> {
  const ids = new Map<number, string>();
  await inParallel([...new Set(indices)], concurrency, async (index) => {
    const externalRef = records[index]!.externalRef;
    const found = await admin.call<{ items: { id: string }[] }>("GET", `/v1/admin/customers?externalRef=${encodeURIComponent(externalRef)}`, undefined, [200]);
    if (!found.items[0]) throw new Error(`imported customer ${externalRef} cannot be found`);
    ids.set(index, found.items[0].id);
  });
  return ids;
}
