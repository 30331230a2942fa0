import type { Logger } from "pino";
import { EventSubscriber, type DataSource, type EntitySubscriberInterface, type QueryRunner } from "typeorm";
import type { TransactionCommitEvent } from "typeorm/subscriber/event/TransactionCommitEvent";
import type { TransactionRollbackEvent } from "typeorm/subscriber/event/TransactionRollbackEvent";
import { batchesIntegrated, type Queryable } from "./audit-tree-store";

/**
 * The write batches this process committed, in transactions of its own, until it sees them in the
 * tree. Events deleted together with their batch before integration leave no trace in the database:
 * nothing signed names them any more. The process that wrote them still remembers the batch, finds it
 * gone, and says so (the log, and `GET /v1/audit/verify` on this process until it restarts).
 */
export interface VanishedBatch {
  batchId: string;
  /** The first event of the batch: what verification names. */
  firstEventId: string;
}

/** Batches remembered at most; beyond this (integration stalled), the oldest go unchecked. */
const MAX_REMEMBERED = 100_000;
/** Vanished batches kept for verification to name. */
const MAX_VANISHED = 100;
/**
 * Checks a batch must be missing on before it counts as gone: on a Galera cluster a read through
 * another node may not yet see a commit this process made a moment before.
 */
const MISSING_CHECKS = 2;

interface Remembered {
  firstEventId: string;
  missing: number;
}

export class WrittenBatches {
  /** Written since the last check: surely still pending, so not yet asked about. */
  private fresh = new Map<string, Remembered>();
  /** Written before the last check and not yet seen integrated. */
  private due = new Map<string, Remembered>();
  private readonly gone: VanishedBatch[] = [];
  private dropped = 0;

  remember(batchId: string, firstEventId: string): void {
    this.fresh.set(batchId, { firstEventId, missing: 0 });
    if (this.fresh.size + this.due.size <= MAX_REMEMBERED) return;
    const oldest = this.due.size > 0 ? this.due : this.fresh;
    oldest.delete(oldest.keys().next().value!);
    this.dropped += 1;
  }

  /** Batches this process's own integrator has just put into the tree: no need to ask about them. */
  integrated(batchIds: Iterable<string>): void {
    for (const id of batchIds) if (!this.fresh.delete(id)) this.due.delete(id);
  }

  /** Asks the database about the batches due; returns those now found gone, and how many went unchecked since the last call. */
  async check(db: Queryable): Promise<{ vanished: VanishedBatch[]; unchecked: number }> {
    const asked = [...this.due.keys()];
    const states = asked.length > 0 ? await batchesIntegrated(db, asked) : new Map<string, boolean>();
    const vanished: VanishedBatch[] = [];
    for (const batchId of asked) {
      const remembered = this.due.get(batchId);
      if (!remembered) continue;
      const integrated = states.get(batchId);
      if (integrated) this.due.delete(batchId);
      else if (integrated === false) remembered.missing = 0;
      else if (++remembered.missing >= MISSING_CHECKS) {
        this.due.delete(batchId);
        vanished.push({ batchId, firstEventId: remembered.firstEventId });
      }
    }
    for (const [batchId, remembered] of this.fresh) this.due.set(batchId, remembered);
    this.fresh = new Map();
    this.gone.push(...vanished.slice(0, Math.max(0, MAX_VANISHED - this.gone.length)));
    const unchecked = this.dropped;
    this.dropped = 0;
    return { vanished, unchecked };
  }

  /** Every batch found gone since this process started (the first MAX_VANISHED). */
  vanished(): readonly VanishedBatch[] {
    return this.gone;
  }
}

const byDataSource = new WeakMap<DataSource, WrittenBatches>();

/** The batches written through this DataSource: one record per process and database, whichever audit log wrote them. */
export function writtenBatches(dataSource: DataSource): WrittenBatches {
  let batches = byDataSource.get(dataSource);
  if (!batches) {
    batches = new WrittenBatches();
    byDataSource.set(dataSource, batches);
  }
  return batches;
}

/** Batches written in a caller's transaction: remembered only once that transaction has committed. */
const awaitingCommit = new WeakMap<QueryRunner, { batchId: string; firstEventId: string }[]>();

/** Remembers a batch written in the transaction of `queryRunner` once, and if, that transaction commits. */
export function rememberOnCommit(queryRunner: QueryRunner, batchId: string, firstEventId: string): void {
  const batches = awaitingCommit.get(queryRunner) ?? [];
  batches.push({ batchId, firstEventId });
  awaitingCommit.set(queryRunner, batches);
}

/**
 * TypeORM announces the release of a savepoint as a commit too: only the outermost commit, after which
 * no transaction is active, makes the batches durable. Any rollback, of a savepoint or of the whole,
 * forgets every batch waiting on that transaction: one left unchecked is better than a false alarm.
 */
export class RememberBatchesOnCommit implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (event.queryRunner.isTransactionActive) return;
    const batches = awaitingCommit.get(event.queryRunner);
    if (!batches) return;
    awaitingCommit.delete(event.queryRunner);
    const written = writtenBatches(event.dataSource);
    for (const batch of batches) written.remember(batch.batchId, batch.firstEventId);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    awaitingCommit.delete(event.queryRunner);
  }
}
// What the @EventSubscriber() decorator does: TypeORM instantiates only registered subscriber classes.
EventSubscriber()(RememberBatchesOnCommit);

/** One check of this process's written batches, on the integrator's timer: a batch found gone is logged as an error. */
export async function checkWrittenBatches(dataSource: DataSource, logger: Logger): Promise<void> {
  try {
    const { vanished, unchecked } = await writtenBatches(dataSource).check(dataSource);
    for (const batch of vanished) {
      logger.error(batch, "an audit write batch this process committed is gone before it was integrated: its events were deleted from the database");
    }
    if (unchecked > 0) logger.warn({ unchecked }, "audit write batches left unchecked: integration is behind by more than this process remembers");
  } catch (error) {
    logger.warn({ err: error }, "the check of this process's audit write batches failed; it is retried on the next run");
  }
}
