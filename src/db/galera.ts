import { EventSubscriber, type DataSource, type EntitySubscriberInterface } from "typeorm";
import type { AfterQueryEvent } from "typeorm/subscriber/event/QueryEvent";

/**
 * On a MariaDB Galera cluster a node applies the writes of the others asynchronously: right after a
 * withdrawal commits through node A, a read on node B may still see the consent. With
 * `wsrep_sync_wait = 1` every read (SELECT, and BEGIN) first waits until its node has applied every
 * write the cluster had committed when the read started (causal reads), so every access decision,
 * credential, dealer and role check sees every change committed before it (contract section 8).
 */
export const CAUSAL_READS = "SET SESSION wsrep_sync_wait = 1";

/** A node that has left the cluster's primary component answers every query with error 1047. */
export const NODE_OUT_OF_CLUSTER = "ER_UNKNOWN_COM_ERROR";

interface PoolConnection {
  query(sql: string, callback: (error: unknown, rows?: { Value?: string }[]) => void): void;
  release(): void;
  destroy(): void;
}

interface Pool {
  on(event: "connection", listener: (connection: PoolConnection) => void): void;
  getConnection(callback: (error: unknown, connection: PoolConnection) => void): void;
  end(callback: () => void): void;
}

interface MysqlDriverInternals {
  mysql: { createPool(options: unknown): Pool };
  createPool(options: unknown): Promise<Pool>;
}

const query = (connection: PoolConnection, sql: string) =>
  new Promise<{ Value?: string }[]>((resolve, reject) => connection.query(sql, (error, rows) => (error ? reject(error) : resolve(rows ?? []))));

const galera = new WeakSet<DataSource>();

/** Whether the data source's database is a Galera node (known once it is initialized). */
export const isOnGalera = (dataSource: DataSource): boolean => galera.has(dataSource);

/**
 * Replaces the driver's pool creation (before `initialize()`): the first connection asks the server
 * whether it is a Galera node (`wsrep_on`); if so, that connection and every later one set causal
 * reads before their first use. A connection that cannot set them is destroyed, never used without.
 */
export function readCausallyOnGalera(dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as MysqlDriverInternals;
  driver.createPool = async (options: unknown) => {
    const pool = driver.mysql.createPool(options);
    // As TypeORM does: the first connection is made at once, so that wrong credentials fail the start.
    const first = await new Promise<PoolConnection>((resolve, reject) =>
      pool.getConnection((error, connection) => (error ? pool.end(() => reject(error)) : resolve(connection))));
    try {
      const wsrep = await query(first, "SHOW VARIABLES LIKE 'wsrep_on'");
      if (wsrep[0]?.Value === "ON") {
        galera.add(dataSource);
        await query(first, CAUSAL_READS);
        // Queued on the new connection before the query it was made for.
        pool.on("connection", (connection) => connection.query(CAUSAL_READS, (error) => error && connection.destroy()));
      }
      first.release();
    } catch (error) {
      first.destroy();
      await new Promise<void>((resolve) => pool.end(resolve));
      throw error;
    }
    return pool;
  };
}

/**
 * Drops from the pool a connection to a node that has left the cluster, so that the next query gets a
 * new connection (through HAProxy, to a node that is still in it) instead of the same refusal.
 */
export class DropConnectionsToNodesOutOfCluster implements EntitySubscriberInterface {
  afterQuery(event: AfterQueryEvent): void {
    const error = event.error as { code?: unknown } | undefined;
    if (error?.code !== NODE_OUT_OF_CLUSTER) return;
    (event.queryRunner as unknown as { databaseConnection?: PoolConnection }).databaseConnection?.destroy();
  }
}
// What the @EventSubscriber() decorator does: TypeORM instantiates only registered subscriber classes.
EventSubscriber()(DropConnectionsToNodesOutOfCluster);
