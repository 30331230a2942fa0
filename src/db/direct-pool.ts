import mysql from "mysql2";
import type { DataSource } from "typeorm";
import type { MysqlDataSourceOptions } from "typeorm/driver/mysql/MysqlDataSourceOptions";
import { codeOf, isLostConflict, isQueryTimeout } from "./db-errors";
import { isMysql } from "./dialect";
import { CAUSAL_READS, isOnGalera, NODE_OUT_OF_CLUSTER } from "./galera";

export interface Statement {
  sql: string;
  params: unknown[];
}

/** A statement's outcome: its rows, or for a write the number of rows it changed. */
export type StatementResult = unknown[] | { affectedRows: number };

/** Sends statements as one round trip within a transaction; their results in order. */
export type RunStatements = (statements: Statement[]) => Promise<StatementResult[]>;

/**
 * The dealer read path's own mysql2 pool, beside TypeORM's. TypeORM's `query` escapes every parameter
 * on the client and sends text, and runs a transaction as four round trips (BEGIN, two INSERTs,
 * COMMIT). Here the access-decision query is a prepared statement (`execute`: parameters travel
 * apart from the SQL, the server keeps the parsed statement), an audit write batch is one round
 * trip, and an audit integration round three (`session`). Each connection is set up as TypeORM's
 * are: the same address, character set, time zone, query timeout, and causal reads on a Galera cluster.
 */
export interface DirectPool {
  /** One prepared statement; its rows. */
  execute<T>(sql: string, params: unknown[]): Promise<T[]>;
  /**
   * The statements in one transaction, sent in one round trip: all of them commit, or none. A failure
   * drops the connection, which the server answers with a rollback. A transaction that lost a
   * deadlock, or on a Galera cluster lost certification to another node's commit, is sent again
   * (CONFLICT_TRIES in all): its statements are fixed, so nothing outside the database saw the try.
   */
  transaction(statements: Statement[]): Promise<void>;
  /**
   * A transaction over several round trips on one connection, each `run` one of them: it commits when
   * `work` resolves. When `work` throws, the connection is dropped, which the server answers with a rollback.
   */
  session<T>(work: (run: RunStatements) => Promise<T>): Promise<T>;
}

type Connection = mysql.PoolConnection;

const pools = new WeakMap<DataSource, DirectPool>();

function connectionOf(pool: mysql.Pool): Promise<Connection> {
  return new Promise((resolve, reject) => pool.getConnection((error, connection) => (error ? reject(error) : resolve(connection))));
}

/** Runs `work` on a pooled connection; a connection that timed out, failed mid-transaction or left the cluster is dropped, not reused. */
async function onConnection<T>(pool: mysql.Pool, work: (connection: Connection) => Promise<T>, dropOnError = false): Promise<T> {
  const connection = await connectionOf(pool);
  try {
    const result = await work(connection);
    connection.release();
    return result;
  } catch (error) {
    if (dropOnError || isQueryTimeout(error) || codeOf(error) === NODE_OUT_OF_CLUSTER) connection.destroy();
    else connection.release();
    throw error;
  }
}

/** Tries of a transaction that keeps losing to concurrent ones, before its caller gets the error. */
const CONFLICT_TRIES = 3;

async function retryingLostConflicts<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= CONFLICT_TRIES || !isLostConflict(error)) throw error;
    }
  }
}

/** The error mysql2 gives a statement past its timeout, which gets the connection dropped. */
const queryTimeout = () => Object.assign(new Error("Query inactivity timeout"), { code: "PROTOCOL_SEQUENCE_TIMEOUT" });

function createDirectPool(dataSource: DataSource): DirectPool {
  const options = dataSource.options as MysqlDataSourceOptions;
  const pool = mysql.createPool({
    uri: options.url,
    charset: options.charset,
    timezone: options.timezone,
    connectTimeout: options.connectTimeout,
    connectionLimit: options.poolSize,
    supportBigNumbers: true,
    bigNumberStrings: true,
    // Only for `transaction` and `session`, whose SQL is the gateway's own: every value goes through a placeholder.
    multipleStatements: true,
    ...(options.extra as object),
  });
  if (isOnGalera(dataSource)) pool.on("connection", (connection) => connection.query(CAUSAL_READS, (error) => error && connection.destroy()));
  const timeout = options.maxQueryExecutionTime;
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    pools.delete(dataSource);
    await new Promise<void>((resolve) => pool.end(() => resolve()));
    await destroy();
  };
  const send = (connection: Connection, statements: Statement[]) => new Promise<StatementResult[]>((resolve, reject) =>
    connection.query(
      { sql: statements.map((statement) => statement.sql).join(";\n"), timeout },
      statements.flatMap((statement) => statement.params),
      // One statement's result comes alone, several come as a list.
      (error, results) => (error ? reject(error) : resolve((statements.length === 1 ? [results] : results) as StatementResult[])),
    ));
  const [BEGIN, COMMIT] = [{ sql: "START TRANSACTION", params: [] }, { sql: "COMMIT", params: [] }];
  return {
    execute: <T>(sql: string, params: unknown[]) =>
      onConnection(pool, (connection) => new Promise<T[]>((resolve, reject) => {
        // mysql2 bounds the EXECUTE by `timeout`, but not the PREPARE a connection sends before its first use
        // of a statement: against a silent server that one would wait forever, holding the request with it.
        const bound = timeout ? setTimeout(() => reject(queryTimeout()), timeout) : undefined;
        connection.execute({ sql, timeout }, params as mysql.ExecuteValues, (error, rows) => {
          clearTimeout(bound);
          if (error) reject(error);
          else resolve(rows as T[]);
        });
      })),
    transaction: (statements) => retryingLostConflicts(() =>
      onConnection(pool, async (connection) => {
        await send(connection, [BEGIN, ...statements, COMMIT]);
      }, true)),
    session: (work) =>
      onConnection(pool, async (connection) => {
        let begun = false;
        const result = await work(async (statements) => {
          if (statements.length === 0) return [];
          const results = await send(connection, begun ? statements : [BEGIN, ...statements]);
          const own = begun ? results : results.slice(1);
          begun = true;
          return own;
        });
        if (begun) await send(connection, [COMMIT]);
        return result;
      }, true),
  };
}

/** The data source's direct pool on MySQL/MariaDB, made on first use and closed with the data source; none on SQLite. */
export function directPool(dataSource: DataSource): DirectPool | undefined {
  if (!isMysql(dataSource)) return undefined;
  let pool = pools.get(dataSource);
  if (!pool) {
    pool = createDirectPool(dataSource);
    pools.set(dataSource, pool);
  }
  return pool;
}

/** A read of the hot path: a prepared statement on MySQL, TypeORM's query on SQLite. */
export function hotQuery<T>(dataSource: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  const pool = directPool(dataSource);
  return pool ? pool.execute<T>(sql, params) : dataSource.query(sql, params);
}
