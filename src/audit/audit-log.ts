import type { Request } from "express";
import type { DataSource, EntityManager, QueryRunner } from "typeorm";
import { isMysql } from "../db/dialect";
import { directPool, type Statement } from "../db/direct-pool";
import { timeOrderedUuid } from "../db/time-ordered-uuid";
import { inTransaction } from "../db/transaction";
import { problems } from "../http/problem";
import { BATCH_INSERT, signBatch, type SignedEvent } from "./audit-batch";
import type { ActorType, AuditEvent } from "./audit-event.entity";
import type { PublicAuditEvent } from "./audit-event-rows";
import type { AuditKey } from "./audit-key";
import { eventLeafHash } from "./audit-leaf";
import { rememberOnCommit, writtenBatches } from "./written-batches";

export type AuditInput = Omit<AuditEvent, "seq" | "id" | "at" | "batchId" | "dealerId" | "customerId" | "purpose" | "reason" | "consentId" | "grantId" | "fields" | "detail"> &
  Partial<Pick<AuditEvent, "dealerId" | "customerId" | "purpose" | "reason" | "consentId" | "grantId" | "fields" | "detail">>;

/** What an audited request says about itself; the actor, request id and address come from the request. */
export type AuditFacts = Omit<AuditInput, "actorType" | "actorId" | "requestId" | "ip"> & { actorId?: string; actorType?: ActorType };

export interface AuditLog {
  /** Writes one event; rejects with a 503 problem when it cannot, so the caller gets no data (fail-closed). */
  record(input: AuditInput, manager?: EntityManager): Promise<void>;
}

export function auditInput(req: Request, facts: AuditFacts): AuditInput {
  const actor = req.ctx.actor;
  return {
    dealerId: actor?.type === "dealer" ? actor.dealerId : null,
    ...facts,
    actorType: facts.actorType ?? actor?.type ?? "system",
    actorId: facts.actorId ?? actor?.id ?? "anonymous",
    requestId: req.ctx.requestId,
    ip: req.ctx.ip,
  };
}

/** The columns an audit insert names, in table order; `seq` is left to the database. */
const INSERT_COLUMNS = [
  "id", "at", "actor_type", "actor_id", "action", "dealer_id", "customer_id", "purpose", "decision", "reason",
  "consent_id", "grant_id", "fields", "status", "request_id", "ip", "detail",
] as const;
/** With each row's batch id last: the batch is known only when its events are written together. */
const INSERT_SQL_START = `INSERT INTO audit_events (${INSERT_COLUMNS.join(", ")}, batch_id) VALUES `;
const ROW_PLACEHOLDERS = `(${INSERT_COLUMNS.map(() => "?").join(", ")}, ?)`;

function insertSql(rows: number): string {
  return INSERT_SQL_START + Array.from({ length: rows }, () => ROW_PLACEHOLDERS).join(", ");
}

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

function rowValues(input: AuditInput, at: string): unknown[] {
  return [
    timeOrderedUuid(), at, input.actorType, input.actorId, input.action, input.dealerId ?? null, input.customerId ?? null, input.purpose ?? null,
    input.decision, input.reason ?? null, input.consentId ?? null, input.grantId ?? null, json(input.fields), input.status, input.requestId, input.ip,
    json(input.detail),
  ];
}

/** The most one audit row may hold: what MySQL's TEXT column takes, enforced alike on SQLite, which would store any size. */
export const MAX_AUDIT_ROW_BYTES = 65_535;

/** The varchar columns' widths, as the schema declares them. */
const COLUMN_WIDTHS: Partial<Record<(typeof INSERT_COLUMNS)[number], number>> = {
  id: 36, at: 24, actor_type: 16, actor_id: 64, action: 64, dealer_id: 36, customer_id: 36, purpose: 64, decision: 8, reason: 64,
  consent_id: 36, grant_id: 36, request_id: 64, ip: 64,
};

/** Why a row may not be written: the column over its width, or the whole row over MAX_AUDIT_ROW_BYTES. */
function oversized(values: unknown[]): string | undefined {
  let bytes = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== "string") continue;
    const width = COLUMN_WIDTHS[INSERT_COLUMNS[i]!];
    if (width !== undefined && value.length > width) return `audit column ${INSERT_COLUMNS[i]} over ${width} characters`;
    bytes += Buffer.byteLength(value, "utf8");
  }
  return bytes > MAX_AUDIT_ROW_BYTES ? `audit row over ${MAX_AUDIT_ROW_BYTES} bytes` : undefined;
}

/** An event ready to insert: its column values and its Merkle leaf hash, computed as a reader will recompute it. */
interface PreparedEvent extends SignedEvent {
  values: unknown[];
}

/**
 * The event as publicAuditEvent will read it back from its row, built from the input without that
 * round trip: a JSON column reads back as what was stringified, and stringifying that again gives the
 * same text, so the leaf hash is the one a reader recomputes.
 */
function asWritten(input: AuditInput, id: string, at: string): PublicAuditEvent {
  return {
    id, at, actorType: input.actorType, actorId: input.actorId, action: input.action, dealerId: input.dealerId ?? undefined,
    customerId: input.customerId ?? undefined, purpose: input.purpose ?? undefined, decision: input.decision, reason: input.reason ?? undefined,
    consentId: input.consentId ?? undefined, grantId: input.grantId ?? undefined, fields: input.fields ?? undefined, status: input.status,
    requestId: input.requestId, ip: input.ip, detail: input.detail ?? undefined,
  };
}

function prepare(input: AuditInput, at: string): PreparedEvent {
  const values = rowValues(input, at);
  const id = values[0] as string;
  return { id, leaf: eventLeafHash(asWritten(input, id, at)), values };
}

type Executor = Pick<EntityManager | QueryRunner, "query">;

/** The two statements of a write: the events, each naming its batch, and the batch with the signature over them. */
function signedStatements(key: AuditKey, events: PreparedEvent[], at: string): { batchId: string; statements: Statement[] } {
  const batch = signBatch(key, events, at);
  const batchId = batch[0] as string;
  const params: unknown[] = [];
  for (const event of events) params.push(...event.values, batchId || null);
  return { batchId, statements: [{ sql: insertSql(events.length), params }, { sql: BATCH_INSERT, params: batch }] };
}

async function runStatements(executor: Executor, statements: Statement[]): Promise<void> {
  for (const statement of statements) await executor.query(statement.sql, statement.params);
}

/** The events and the signature over them, in the caller's transaction: both commit, or neither, and the batch is remembered if they do. */
async function writeSigned(transaction: QueryRunner, key: AuditKey, events: PreparedEvent[], at: string): Promise<void> {
  const { batchId, statements } = signedStatements(key, events, at);
  await runStatements(transaction, statements);
  if (batchId) rememberOnCommit(transaction, batchId, events[0]!.id);
}

/**
 * A batch in a transaction of its own (one round trip on MySQL's direct pool, TypeORM's transaction
 * elsewhere), remembered once committed until this process sees it integrated.
 */
async function writeBatch(dataSource: DataSource, key: AuditKey, events: PreparedEvent[], at: string): Promise<void> {
  const { batchId, statements } = signedStatements(key, events, at);
  const pool = directPool(dataSource);
  if (pool) await pool.transaction(statements);
  else await inTransaction(dataSource, (manager) => runStatements(manager, statements));
  if (batchId) writtenBatches(dataSource).remember(batchId, events[0]!.id);
}

const unavailable = (cause: unknown) =>
  Object.assign(problems.unavailable("The audit log cannot be written, so the request was not carried out"), { cause });

export interface AuditLogOptions {
  /**
   * Group the events of concurrent requests into one multi-row INSERT. On by default on MySQL, where
   * each statement is a round trip; SQLite runs every query on one shared connection, where a batch
   * could land inside another request's transaction and be rolled back with it.
   */
  batch?: boolean;
  /** Events per INSERT at most; more waiting events go in the next one. */
  maxBatch?: number;
}

interface Waiting {
  event: PreparedEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Collects the events recorded during one turn of the event loop (and while a previous INSERT is on its
 * way) and writes them with one multi-row INSERT. Each caller's promise settles only once that INSERT
 * has committed, or rejects with the 503 when it fails: one statement, so all of it or none of it.
 * A batch starts at the end of a turn, never in the middle of one: the requests whose answers arrive
 * in the same turn as the previous batch's commit join the next batch instead of waiting for a third,
 * so a loaded process writes fewer, larger batches, each one signature.
 */
function batchWriter(dataSource: DataSource, key: AuditKey, clock: () => Date, maxBatch: number): (event: PreparedEvent) => Promise<void> {
  let waiting: Waiting[] = [];
  let scheduled = false;
  let inFlight = 0;
  const maxInFlight = 4;

  const flushAtEndOfTurn = () => {
    if (scheduled || waiting.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  };

  const flush = () => {
    scheduled = false;
    while (waiting.length > 0 && inFlight < maxInFlight && (inFlight === 0 || waiting.length >= maxBatch)) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight += 1;
      const events = batch.map((entry) => entry.event);
      writeBatch(dataSource, key, events, clock().toISOString()).then(
        () => batch.forEach((entry) => entry.resolve()),
        (cause: unknown) => batch.forEach((entry) => entry.reject(unavailable(cause))),
      ).finally(() => {
        inFlight -= 1;
        flushAtEndOfTurn();
      });
    }
  };

  return (event) => new Promise<void>((resolve, reject) => {
    waiting.push({ event, resolve, reject });
    if (waiting.length >= maxBatch) flush();
    else if (inFlight === 0) flushAtEndOfTurn();
  });
}

export function createAuditLog(dataSource: DataSource, clock: () => Date, key: AuditKey, options: AuditLogOptions = {}): AuditLog {
  const batched = (options.batch ?? isMysql(dataSource)) ? batchWriter(dataSource, key, clock, options.maxBatch ?? 500) : undefined;
  return {
    async record(input, manager) {
      const at = clock().toISOString();
      const event = prepare(input, at);
      // A row that would not fit is refused like a failed write: the request is not carried out unaudited.
      const tooLarge = oversized(event.values);
      if (tooLarge) throw unavailable(new Error(`${tooLarge} (action ${input.action.slice(0, 64)})`));
      // Inside a transaction the event must commit or roll back with the change it describes.
      if (batched && !manager?.queryRunner) return batched(event);
      try {
        if (manager?.queryRunner) await writeSigned(manager.queryRunner, key, [event], at);
        else await writeBatch(dataSource, key, [event], at);
      } catch (cause) {
        throw unavailable(cause);
      }
    },
  };
}
