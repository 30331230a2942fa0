import type { DataSource, EntityManager } from "typeorm";
import { isQueryTimeout } from "./db-errors";
import { isMysql } from "./dialect";
import { directPool, type RunStatements, type StatementResult } from "./direct-pool";

/**
 * Runs `work` in a transaction. On MySQL a statement past the query timeout leaves its connection busy
 * until the server is done with it (waiting on a lock someone else holds, say), and a ROLLBACK sent
 * after it would wait just as long, holding the caller past every deadline. Such a connection is
 * dropped instead, which rolls the transaction back on the server.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (!isMysql(dataSource)) return dataSource.transaction(work);
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    const result = await work(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) {
      if (isQueryTimeout(error)) (runner as unknown as { databaseConnection?: { destroy(): void } }).databaseConnection?.destroy();
      else await runner.rollbackTransaction().catch(() => undefined);
    }
    throw error;
  } finally {
    await runner.release();
  }
}

/**
 * A transaction whose statements go to the database in groups, each group one round trip: on MySQL a
 * direct pool session (see direct-pool.ts); on SQLite, whose queries cost no round trip, one by one in
 * TypeORM's transaction. `query` runs one statement, for helpers written against a query function.
 */
export interface BatchedTransaction {
  run: RunStatements;
  query(sql: string, params?: unknown[]): Promise<any>;
  mysql: boolean;
}

export async function inBatchedTransaction<T>(dataSource: DataSource, work: (tx: BatchedTransaction) => Promise<T>): Promise<T> {
  const withRun = (run: RunStatements, mysql: boolean) => work({ run, mysql, query: async (sql, params = []) => (await run([{ sql, params }]))[0] });
  const pool = directPool(dataSource);
  if (pool) return pool.session((run) => withRun(run, true));
  return inTransaction(dataSource, (manager) => withRun(async (statements) => {
    const results: StatementResult[] = [];
    for (const { sql, params } of statements) {
      // The structured result, which alone carries the count of changed rows on SQLite.
      const result = await manager.queryRunner!.query(sql, params, true);
      results.push(result.affected === undefined ? (result.records as unknown[]) : { affectedRows: result.affected });
    }
    return results;
  }, false));
}
