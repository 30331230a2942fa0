import type { Logger } from "pino";
import type { DataSource, EntityManager } from "typeorm";
import { withDatabaseLock } from "../db/database-lock";
import { inTransaction } from "../db/transaction";
import { entryCount, isLegacyBatch, type PendingBatchRow } from "./audit-batch";
import { extendsCheckpoint, openBatches } from "./audit-checks";
import type { AuditKey } from "./audit-key";
import { latestCheckpoint, pendingBatches, storeTreeNodes, treeEdge, type Queryable, type StoredCheckpoint } from "./audit-tree-store";
import { appendToWitness, lastWitnessed } from "./audit-witness";
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
const ROWS_PER_INSERT = 500;

export interface IntegratorDeps {
  dataSource: DataSource;
  key: AuditKey;
  clock: () => Date;
  logger: Logger;
  witnessFile?: string;
}

async function insertRows(db: Queryable, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const placeholder = `(${columns.map(() => "?").join(", ")})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    await db.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${chunk.map(() => placeholder).join(", ")}`, chunk.flat());
  }
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

async function currentTree(manager: EntityManager, deps: IntegratorDeps, checkpoint: StoredCheckpoint | null): Promise<Tree> {
  const size = checkpoint?.treeSize ?? 0;
  const remembered = lastEdges.get(deps.dataSource);
  if (checkpoint && remembered?.size === size && remembered.root.equals(checkpoint.rootHash)) return { size, edge: remembered.edge };
  return { size, edge: await treeEdge(manager, size) };
}

/**
 * Appends the events of batches with a good signature to `tree`, as the leaf hashes that were signed
 * at write: leaves and node tiles stored, the batches no longer pending. An event changed since its write
 * is not read again here: the tree keeps what was written, and verification, which recomputes every
 * new leaf from its event, names the change.
 */
async function appendBatches(manager: EntityManager, deps: IntegratorDeps, tree: Tree, batches: PendingBatchRow[], acceptLegacy: boolean): Promise<Tree & { events: number }> {
  const checked = openBatches(batches, deps.key, { acceptLegacy, trustMac: true });
  // A batch without a good signature stays pending, where verification reports it: it is never signed into the tree.
  for (const { batch, fault } of checked) {
    if (fault) deps.logger.error({ batchId: batch.batch_id, ...fault }, "an audit batch fails its signature; it is left out of the tree");
  }
  const integrated = checked.filter((entry) => !entry.fault).map((entry) => entry.batch);
  const events = checked.flatMap((entry) => entry.events ?? []);
  if (events.length === 0) return { ...tree, events: 0 };
  const grown = appendLeaves(tree.size, tree.edge, events.map((event) => event.leaf));
  await insertRows(manager, "audit_leaves", ["leaf_index", "event_id"], events.map((event, i) => [tree.size + i, event.id]));
  await storeTreeNodes(manager, grown.completed);
  await manager.query(`DELETE FROM audit_pending WHERE batch_id IN (${integrated.map(() => "?").join(", ")})`, integrated.map((batch) => batch.batch_id));
  return { size: grown.size, edge: grown.edge, events: events.length };
}

/**
 * The legacy batches, which the migration from the hash chain queued unsigned (the audit key was not
 * at hand), all appended in the caller's one transaction: the first checkpoint then covers exactly the
 * events that were checked against the old chain, and no later round accepts an unsigned batch, since
 * after that only a forger could have written one.
 */
async function appendLegacyBatches(manager: EntityManager, deps: IntegratorDeps, tree: Tree): Promise<Tree & { events: number }> {
  let grown = { ...tree, events: 0 };
  let after: PendingBatchRow | undefined;
  for (;;) {
    const page = (await pendingBatches(manager, BATCHES_READ, after)).filter(isLegacyBatch);
    if (page.length === 0) return grown;
    const appended = await appendBatches(manager, deps, grown, page, true);
    grown = { ...appended, events: grown.events + appended.events };
    after = page.at(-1);
  }
}

/** One round in one transaction: the next pending batches become leaves, nodes and one signed checkpoint. */
async function integrateRound(manager: EntityManager, deps: IntegratorDeps): Promise<Round> {
  const pending = await pendingBatches(manager, BATCHES_READ);
  if (pending.length === 0) return { integrated: 0, more: false };
  const checkpoint = await latestCheckpoint(manager);
  const tree = await currentTree(manager, deps, checkpoint);
  const size = tree.size;
  await assertExtendsWitness(manager, deps, size, foldSubtrees(tree.edge));
  const legacy = checkpoint === null && isLegacyBatch(pending[0]!);
  const batches = withinBudget(pending);
  const more = legacy || batches.length < pending.length || pending.length === BATCHES_READ;
  const grown = legacy ? await appendLegacyBatches(manager, deps, tree) : await appendBatches(manager, deps, tree, batches, false);
  if (grown.events === 0) return { integrated: 0, more };
  const rootHash = foldSubtrees(grown.edge);
  const note = signNote(checkpointText({ origin: deps.key.origin, treeSize: grown.size, rootHash }), deps.key.signer);
  await manager.query("INSERT INTO audit_checkpoints (tree_size, root_hash, note, created_at) VALUES (?, ?, ?, ?)", [
    grown.size, rootHash.toString("hex"), note, deps.clock().toISOString(),
  ]);
  lastEdges.set(deps.dataSource, { size: grown.size, edge: grown.edge, root: rootHash });
  return { integrated: grown.events, note, more };
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
      const { integrated, note, more } = await inTransaction(deps.dataSource, (manager) => integrateRound(manager, deps));
      total += integrated;
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
  if (integrated > 0) turn.seen = await latestTreeSize(deps.dataSource);
  return integrated;
}

export interface AuditIntegrator {
  stop(): Promise<void>;
}

/** Integrates on a timer (at least once a second while events arrive); the timer does not keep the process alive. */
export function startAuditIntegrator(deps: IntegratorDeps, intervalMs: number): AuditIntegrator {
  let current: Promise<unknown> = Promise.resolve();
  let busy = false;
  const turn: IntegrationTurn = {};
  const tick = () => {
    if (busy || !deps.dataSource.isInitialized) return;
    busy = true;
    current = integrateOnTurn(deps, turn)
      .catch((error: unknown) => deps.logger.warn({ err: error }, "audit integration failed; it is retried on the next run"))
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
    },
  };
}
