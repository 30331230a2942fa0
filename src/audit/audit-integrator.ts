import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { withDatabaseLock } from "../db/database-lock";
import { inBatchedTransaction, type BatchedTransaction } from "../db/transaction";
import { entryCount, type PendingBatchRow } from "./audit-batch";
import { extendsCheckpoint, openBatches } from "./audit-checks";
import type { AuditKey } from "./audit-key";
import {
  batchLeavesWrite, LATEST_CHECKPOINT, latestCheckpoint, latestOf, pendingBatchesQuery, treeEdge, treeNodeWrites, type Queryable, type StoredCheckpoint, type TreeWrite,
} from "./audit-tree-store";
import { appendToWitness, lastWitnessed } from "./audit-witness";
import { checkWrittenBatches, writtenBatches } from "./written-batches";
import { appendLeaves, foldSubtrees, type Hash } from "./merkle";
import { checkpointText, signNote } from "./signed-note";

/**
 * Each round ends with one signed checkpoint. A round takes batches until it holds this many events,
 * so that under a steady stream of writes a checkpoint is still signed every fraction of a second
 * rather than after one long round.
 */
const EVENTS_PER_ROUND = 2000;
const BATCHES_READ = 400;
const MAX_ROUNDS = 100;

export interface IntegratorDeps {
  dataSource: DataSource;
  key: AuditKey;
  clock: () => Date;
  logger: Logger;
  witnessFile?: string;
}

/**
 * A log rolled back or rewritten below the witnessed checkpoint must not be extended and witnessed
 * anew: that would bury the evidence under a fresh checkpoint.
 */
async function assertExtendsWitness(db: Queryable, deps: IntegratorDeps, size: number, root: Hash): Promise<void> {
  const note = lastWitnessed(deps.witnessFile);
  if (note && (await extendsCheckpoint(db, deps.key, note, size, root)) !== "ok") throw new Error("the audit log does not extend the witnessed checkpoint: integration stopped until the log is examined");
}

/** The oldest batches up to EVENTS_PER_ROUND events, and at least one. */
function withinBudget(batches: PendingBatchRow[]): PendingBatchRow[] {
  let events = 0;
  const taken: PendingBatchRow[] = [];
  for (const batch of batches) {
    if (taken.length > 0 && events + entryCount(batch.entries) > EVENTS_PER_ROUND) break;
    taken.push(batch);
    events += entryCount(batch.entries);
  }
  return taken;
}

interface Round {
  integrated: number;
  /** The batches integrated. */
  batchIds?: string[];
  note?: string;
  /** Whether batches were pending beyond this round's budget when it read them. */
  more: boolean;
}

interface Tree {
  size: number;
  edge: Hash[];
}

/**
 * The tree's right edge as this process's last round left it, with that round's root. The next round
 * continues from it when the latest checkpoint is still that one (same size and root), instead of
 * reading the edge back from the tiles; after another process's round, or a round that did not commit,
 * the checkpoint differs and the edge is read.
 */
const lastEdges = new WeakMap<DataSource, Tree & { root: Hash }>();

async function currentTree(db: Queryable, deps: IntegratorDeps, checkpoint: StoredCheckpoint | null): Promise<Tree> {
  const size = checkpoint?.treeSize ?? 0;
  const remembered = lastEdges.get(deps.dataSource);
  if (checkpoint && remembered?.size === size && remembered.root.equals(checkpoint.rootHash)) return { size, edge: remembered.edge };
  return { size, edge: await treeEdge(db, size) };
}

interface Appended extends Tree {
  events: number;
  batchIds: string[];
  /** What stores the appended leaves and nodes and ends the batches' pending. */
  writes: TreeWrite[];
}

/**
 * Appends the events of batches with a good signature to `tree`, as the leaf hashes that were signed
 * at write, and returns the writes that store node tiles and give each batch its first leaf index (which
 * ends its pending). An event changed since its write is not read again here: the tree keeps what was
 * written, and verification, which recomputes every new leaf from its event, names the change.
 */
function appendBatches(mysql: boolean, deps: IntegratorDeps, tree: Tree, batches: PendingBatchRow[]): Appended {
  const checked = openBatches(batches, deps.key, { trustMac: true });
  const integrated: { batchId: string; firstLeaf: number }[] = [];
  const leaves: Hash[] = [];
  for (const { batch, events, fault } of checked) {
    // A batch without a good signature stays pending, where verification reports it: it is never signed into the tree.
    if (fault) {
      deps.logger.error({ batchId: batch.batch_id, ...fault }, "an audit batch fails its signature; it is left out of the tree");
      continue;
    }
    integrated.push({ batchId: batch.batch_id, firstLeaf: tree.size + leaves.length });
    for (const event of events) leaves.push(event.leaf);
  }
  if (leaves.length === 0) return { ...tree, events: 0, batchIds: [], writes: [] };
  const grown = appendLeaves(tree.size, tree.edge, leaves);
  return {
    size: grown.size, edge: grown.edge, events: leaves.length, batchIds: integrated.map((batch) => batch.batchId),
    writes: [...treeNodeWrites(mysql, grown.completed), batchLeavesWrite(mysql, integrated)],
  };
}

/** The writes in one round trip, each checked. */
async function applyWrites(tx: BatchedTransaction, writes: TreeWrite[]): Promise<void> {
  const results = await tx.run(writes);
  writes.forEach((write, i) => write.check?.(results[i]!));
}

/**
 * One round in one transaction: the next pending batches become leaves, nodes and one signed
 * checkpoint. Its statements go in two round trips on MySQL, the reads and then the writes (and the
 * commit), since each costs far more than the statements' own work.
 */
async function integrateRound(tx: BatchedTransaction, deps: IntegratorDeps): Promise<Round> {
  const [pendingRows, latestRows] = await tx.run([pendingBatchesQuery(BATCHES_READ), LATEST_CHECKPOINT]);
  const pending = pendingRows as PendingBatchRow[];
  if (pending.length === 0) return { integrated: 0, more: false };
  const checkpoint = latestOf(latestRows!);
  const tree = await currentTree(tx, deps, checkpoint);
  await assertExtendsWitness(tx, deps, tree.size, foldSubtrees(tree.edge));
  const batches = withinBudget(pending);
  const more = batches.length < pending.length || pending.length === BATCHES_READ;
  const grown = appendBatches(tx.mysql, deps, tree, batches);
  if (grown.events === 0) return { integrated: 0, more };
  const rootHash = foldSubtrees(grown.edge);
  const note = signNote(checkpointText({ origin: deps.key.origin, treeSize: grown.size, rootHash }), deps.key.signer);
  await applyWrites(tx, [...grown.writes, {
    sql: "INSERT INTO audit_checkpoints (tree_size, root_hash, note, created_at) VALUES (?, ?, ?, ?)",
    params: [grown.size, rootHash.toString("hex"), note, deps.clock().toISOString()],
  }]);
  lastEdges.set(deps.dataSource, { size: grown.size, edge: grown.edge, root: rootHash });
  return { integrated: grown.events, batchIds: grown.batchIds, note, more };
}

/**
 * Integrates every event pending when it starts into the Merkle tree, one integrator at a time across
 * all gateway processes (a database-wide lock), so that leaf indexes follow one order everyone agrees
 * on. Returns how many events it integrated; 0 when another process is integrating. Events written
 * while its last round ran wait for the next call: under a steady stream of writes, rounds then
 * follow the timer with a few hundred events each, instead of running back to back with a handful.
 */
export async function integrateAuditLog(deps: IntegratorDeps, lockWaitSeconds = 0): Promise<number> {
  const outcome = await withDatabaseLock(deps.dataSource, "audit_integrate", lockWaitSeconds, async () => {
    let total = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { integrated, batchIds, note, more } = await inBatchedTransaction(deps.dataSource, (tx) => integrateRound(tx, deps));
      total += integrated;
      if (batchIds) writtenBatches(deps.dataSource).integrated(batchIds);
      if (note && deps.witnessFile) appendToWitness(deps.witnessFile, note);
      if (integrated === 0 || !more) break;
    }
    return total;
  });
  return outcome.acquired ? outcome.result : 0;
}

/** What a process's timer remembers between ticks. */
export interface IntegrationTurn {
  /** The latest tree size this process knew after its last tick; undefined before its first. */
  seen?: number;
}

async function latestTreeSize(db: Queryable): Promise<number> {
  return (await latestCheckpoint(db))?.treeSize ?? 0;
}

/**
 * One tick of a process's timer: integrates, or returns undefined when another process kept the
 * rhythm since this one's last tick. Every gateway process runs the timer, so without this the log
 * would get a round per process per tick, each a checkpoint of a few events paying a round's fixed
 * work (tree edge, tiles, signature, commit) and adding a row to the checkpoint history that grows with
 * the number of processes. A process that finds a checkpoint it did not see on its own last tick, and
 * did not make itself, leaves this tick to whoever made it: one process keeps the rhythm, the others
 * take over one tick after it stops. No clocks are compared, so hosts may disagree on time.
 */
export async function integrateOnTurn(deps: IntegratorDeps, turn: IntegrationTurn): Promise<number | undefined> {
  const latest = await latestTreeSize(deps.dataSource);
  const someoneElse = turn.seen !== undefined && latest !== turn.seen;
  turn.seen = latest;
  if (someoneElse) return undefined;
  const integrated = await integrateAuditLog(deps);
  // The size this process's last round signed, as the checkpoint it made (not read back: a round trip a tick).
  if (integrated > 0) turn.seen = lastEdges.get(deps.dataSource)?.size ?? (await latestTreeSize(deps.dataSource));
  return integrated;
}

export interface AuditIntegrator {
  stop(): Promise<void>;
}

/** How long a stopping process waits for another's integration round before leaving its batches to the next one. */
const FINAL_LOCK_WAIT_SECONDS = 5;

/**
 * Integrates on a timer (at least once a second while events arrive); the timer does not keep the
 * process alive. Stopping integrates once more: a batch this process wrote and left pending would no
 * longer be watched by anyone (see written-batches), so it is put into the tree before the process goes.
 */
export function startAuditIntegrator(deps: IntegratorDeps, intervalMs: number): AuditIntegrator {
  let current: Promise<unknown> = Promise.resolve();
  let busy = false;
  const turn: IntegrationTurn = {};
  const tick = () => {
    if (busy || !deps.dataSource.isInitialized) return;
    busy = true;
    current = integrateOnTurn(deps, turn)
      .catch((error: unknown) => deps.logger.warn({ err: error }, "audit integration failed; it is retried on the next run"))
      .then(() => checkWrittenBatches(deps.dataSource, deps.logger))
      .finally(() => {
        busy = false;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
      if (!deps.dataSource.isInitialized) return;
      await integrateAuditLog(deps, FINAL_LOCK_WAIT_SECONDS).catch((error: unknown) =>
        deps.logger.warn({ err: error }, "the last audit integration before stopping failed; this process's pending batches are left to another's integrator"));
    },
  };
}
