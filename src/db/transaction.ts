import type { DataSource, EntityManager } from "typeorm";
import { isQueryTimeout } from "./db-errors";
import { isMysql } from "./dialect";

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
