import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import mysql from "mysql2/promise";

/**
 * The local MariaDB Galera cluster of scripts/galera-cluster.sh: HAProxy at TEST_GALERA_URL, the nodes
 * at TEST_GALERA_NODE_URLS (comma-separated, node 1 first), as `scripts/galera-cluster.sh urls` prints.
 * Its tests run in the MySQL pass of `npm test` when these are set; under CI they are required.
 */
export const GALERA = process.env.TEST_GALERA_URL && process.env.TEST_GALERA_NODE_URLS
  ? { url: process.env.TEST_GALERA_URL, nodeUrls: process.env.TEST_GALERA_NODE_URLS.split(",") }
  : undefined;
export const GALERA_REQUIRED = process.env.CI === "true";

const SCRIPT = path.resolve(__dirname, "../../scripts/galera-cluster.sh");

function cluster(): NonNullable<typeof GALERA> {
  if (!GALERA) throw new Error("the Galera cluster is required here: run scripts/galera-cluster.sh start and export what `scripts/galera-cluster.sh urls` prints");
  return GALERA;
}

/** `url` with another database name. */
const inDatabase = (url: string, name: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();

export interface GaleraDatabase {
  name: string;
  /** Through HAProxy. */
  url: string;
  /** Straight to node 1, 2 or 3. */
  nodeUrl(node: number): string;
  drop(): Promise<void>;
}

export async function createGaleraDatabase(): Promise<GaleraDatabase> {
  const { url, nodeUrls } = cluster();
  const name = `gwg_${randomBytes(6).toString("hex")}`;
  const admin = await mysql.createConnection(url);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    name,
    url: inDatabase(url, name),
    nodeUrl: (node) => inDatabase(nodeUrls[node - 1]!, name),
    async drop() {
      const connection = await mysql.createConnection(url);
      await connection.query(`DROP DATABASE IF EXISTS ${name}`);
      await connection.end();
    },
  };
}

/** One query on one node (1, 2 or 3) through a connection of its own. */
export async function onNode<T = Record<string, unknown>>(node: number, sql: string, params: unknown[] = []): Promise<T[]> {
  const connection = await mysql.createConnection({ uri: cluster().nodeUrls[node - 1]!, connectTimeout: 2000 });
  try {
    const [rows] = await connection.query(sql, params);
    return rows as T[];
  } finally {
    await connection.end();
  }
}

/** The node's Galera state, e.g. "Synced ON"; "down" when it does not answer. */
export async function nodeState(node: number): Promise<string> {
  try {
    const rows = await onNode<{ Variable_name: string; Value: string }>(node, "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_ready')");
    const value = (name: string) => rows.find((row) => row.Variable_name === name)?.Value;
    return `${value("wsrep_local_state_comment")} ${value("wsrep_ready")}`;
  } catch {
    return "down";
  }
}

export async function waitForState(node: number, wanted: (state: string) => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state = await nodeState(node);
  while (!wanted(state)) {
    if (Date.now() > deadline) throw new Error(`node ${node} is still "${state}" after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    state = await nodeState(node);
  }
}

export const waitSynced = (node: number, timeoutMs?: number) => waitForState(node, (state) => state === "Synced ON", timeoutMs);

/** The node HAProxy sends new connections to. */
export async function routedNode(): Promise<number> {
  const connection = await mysql.createConnection({ uri: cluster().url, connectTimeout: 2000 });
  try {
    const [rows] = await connection.query("SELECT @@wsrep_node_name AS node");
    return Number(String((rows as { node: string }[])[0]!.node).replace("node", ""));
  } finally {
    await connection.end();
  }
}

/** Runs scripts/galera-cluster.sh (kill-node N, start-node N, status, ...). */
export function clusterScript(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(SCRIPT, args, { timeout: 180_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${args.join(" ")}: ${stderr || error.message}`)) : resolve(stdout)));
  });
}

/**
 * Cuts a node off from the others while it keeps running (Galera's gmcast.isolate): it leaves the
 * primary component and answers queries with error 1047. `false` lets it rejoin.
 */
export async function isolateNode(node: number, isolated: boolean): Promise<void> {
  await onNode(node, `SET GLOBAL wsrep_provider_options = 'gmcast.isolate=${isolated ? 1 : 0}'`);
  if (isolated) await waitForState(node, (state) => state.endsWith("OFF"));
  else await waitSynced(node);
}

/**
 * Holds FLUSH TABLES WITH READ LOCK on a node for `ms`: the node desyncs and stops applying the other
 * nodes' writes meanwhile, so without causal reads it answers from a state that others have left.
 */
export async function pauseApplying(node: number, ms: number): Promise<{ resumed: Promise<void> }> {
  const connection = await mysql.createConnection(cluster().nodeUrls[node - 1]!);
  await connection.query("FLUSH TABLES WITH READ LOCK");
  const resumed = new Promise<void>((resolve) => setTimeout(resolve, ms)).then(async () => {
    await connection.query("UNLOCK TABLES");
    await connection.end();
  });
  return { resumed };
}
