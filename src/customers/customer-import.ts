import { isDeepStrictEqual } from "node:util";
import type { EntityManager } from "typeorm";
import { isUniqueViolation } from "../db/db-errors";
import { problems } from "../http/problem";
import { describeIssues } from "../http/validate";
import { customerInputSchema, type CustomerInput } from "./customer-input";
import { customersByExternalRef } from "./customer-records";
import { newCustomer, replacedRecord } from "./customer-writes";
import { recordAdminPreferences, type AdminRecordChange } from "./marketing-preferences";
import { CustomerEntity, type Customer } from "./customer.entity";

export const MAX_IMPORT_LINES = 50_000;
const BATCH_ROWS = 500;
/** Keeps one multi-row INSERT well below MySQL's default max_allowed_packet. */
const BATCH_BYTES = 4_000_000;

export interface ImportLine {
  line: number;
  input: CustomerInput;
  size: number;
}

export interface ImportRejection {
  line: number;
  reason: string;
}

export interface ParsedImport {
  lines: ImportLine[];
  rejected: ImportRejection[];
  total: number;
}

export interface ImportResult {
  created: string[];
  updated: string[];
  rejected: ImportRejection[];
  total: number;
}

/** Splits an NDJSON body into valid customers and rejected lines; blank lines are not counted. */
export function parseImport(body: string): ParsedImport {
  const rawLines = body.replace(/^\uFEFF/, "").split(/\r?\n/);
  const lines: ImportLine[] = [];
  const rejected: ImportRejection[] = [];
  const firstLineOf = new Map<string, number>();
  let total = 0;
  rawLines.forEach((raw, index) => {
    if (raw.trim() === "") return;
    total += 1;
    if (total > MAX_IMPORT_LINES) throw problems.tooLarge(`An import holds at most ${MAX_IMPORT_LINES} customers; split the file`);
    const line = index + 1;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      rejected.push({ line, reason: "invalid JSON" });
      return;
    }
    const result = customerInputSchema.safeParse(json);
    if (!result.success) {
      rejected.push({ line, reason: describeIssues(result.error) });
      return;
    }
    const first = firstLineOf.get(result.data.externalRef);
    if (first !== undefined) {
      rejected.push({ line, reason: `duplicate externalRef within the file (first on line ${first})` });
      return;
    }
    firstLineOf.set(result.data.externalRef, line);
    lines.push({ line, input: result.data, size: raw.length });
  });
  if (total === 0) throw problems.validation("The import holds no customer lines", [{ path: "(body)", message: "is empty" }]);
  return { lines, rejected, total };
}

function* batches(lines: ImportLine[]): Generator<ImportLine[]> {
  let batch: ImportLine[] = [];
  let bytes = 0;
  for (const entry of lines) {
    if (batch.length > 0 && (batch.length >= BATCH_ROWS || bytes + entry.size > BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += entry.size;
  }
  if (batch.length > 0) yield batch;
}

interface PendingInsert {
  line: number;
  customer: Customer;
}

/**
 * One multi-row INSERT per batch; should another customer hold one of the externalRefs (a concurrent
 * create, or a letter-case variant under MySQL's collation), the batch is retried row by row so only
 * that line is rejected.
 */
async function insertBatch(manager: EntityManager, pending: PendingInsert[], result: ImportResult): Promise<void> {
  if (pending.length === 0) return;
  try {
    await manager.insert(CustomerEntity, pending.map((entry) => entry.customer));
    result.created.push(...pending.map((entry) => entry.customer.id));
    return;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  for (const entry of pending) {
    try {
      await manager.insert(CustomerEntity, entry.customer);
      result.created.push(entry.customer.id);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      result.rejected.push({ line: entry.line, reason: "externalRef is already held by another customer" });
    }
  }
}

/** One statement per batch; the rows were just read in this transaction (locked on MySQL), so every column written back is current. */
async function replaceRecords(manager: EntityManager, customers: Customer[]): Promise<void> {
  if (customers.length > 0) await manager.upsert(CustomerEntity, customers, ["id"]);
}

/** Upserts by externalRef in batches, inside the caller's transaction; `onBatch` hears how many valid lines are done. */
export async function importCustomers(manager: EntityManager, parsed: ParsedImport, now: Date, adminId: string, onBatch?: (done: number) => void): Promise<ImportResult> {
  const result: ImportResult = { created: [], updated: [], rejected: [...parsed.rejected], total: parsed.total };
  let done = 0;
  for (const batch of batches(parsed.lines)) {
    const existing = await customersByExternalRef(manager, batch.map((entry) => entry.input.externalRef), { forUpdate: true });
    const inserts: PendingInsert[] = [];
    const replacements: Customer[] = [];
    const changes: AdminRecordChange[] = [];
    for (const { line, input } of batch) {
      const current = existing.get(input.externalRef);
      if (!current) {
        inserts.push({ line, customer: newCustomer(input, now) });
      } else {
        const replaced = replacedRecord(current, input, now);
        if (!isDeepStrictEqual(current.profile, replaced.profile)) {
          replacements.push(replaced);
          changes.push({ customerId: current.id, before: current.profile, after: replaced.profile });
        }
        result.updated.push(current.id);
      }
    }
    await replaceRecords(manager, replacements);
    const createdBefore = result.created.length;
    await insertBatch(manager, inserts, result);
    const created = new Set(result.created.slice(createdBefore));
    for (const { customer } of inserts) if (created.has(customer.id)) changes.push({ customerId: customer.id, before: null, after: customer.profile });
    await recordAdminPreferences(manager, changes, adminId, now);
    done += batch.length;
    onBatch?.(done);
  }
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}
