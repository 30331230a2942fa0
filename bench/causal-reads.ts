import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import { loadBenchConfig } from "./bench-config";
import { dealerToken } from "./gateway-client";
import type { LoadResult } from "./load";
import { runLoad } from "./load-phase";
import { loadAverage } from "./phases";
import { prepareDataset } from "./seed";
import { startServer } from "./servers";

/**
 * `npx tsx bench/causal-reads.ts` with BENCH_DATABASE_URL on a Galera cluster (through HAProxy): the
 * dealer read path with and without causal reads (`wsrep_sync_wait`), one gateway process each,
 * measured in alternation so that other work on the machine weighs on both sides alike.
 */
const ROUNDS = 3;
const WARM_UP_SECONDS = 3;
const log = (line: string) => console.log(`[causal-reads] ${line}`);

async function main(): Promise<void> {
  const config = loadBenchConfig({ BENCH_CUSTOMERS: "5000", BENCH_AUDIT_EVENTS: "20000", BENCH_SECONDS: "10", ...process.env });
  const server = new URL(config.databaseUrl);
  server.pathname = "/";
  const db = await mysql.createConnection(server.toString());
  const [wsrep] = await db.query("SHOW VARIABLES LIKE 'wsrep_on'");
  await db.end();
  if ((wsrep as { Value: string }[])[0]?.Value !== "ON") throw new Error("BENCH_DATABASE_URL must point at a Galera cluster (scripts/galera-cluster.sh)");
  const dataset = await prepareDataset(config, log);
  const sides: Record<"off" | "on", LoadResult[]> = { off: [], on: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const causal of ["off", "on"] as const) {
      const server = await startServer({
        name: `causal reads ${causal}`, script: path.join(__dirname, "causal-read-server.ts"), readyPath: "/readyz",
        env: { DATABASE_URL: config.databaseUrl, CAUSAL_READS: causal, DATA_DIR: path.join(os.tmpdir(), "gw-bench-data"), LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "1000000000", TOKEN_RATE_LIMIT_PER_MINUTE: "1000000" },
      });
      try {
        const token = await dealerToken(server.url, dataset.clientId, dataset.clientSecret);
        const spec = (seconds: number) => ({
          url: server.url, seconds, connections: config.connections, method: "GET" as const, path: "/v1/customers/{value}?purpose=service_delivery",
          values: dataset.readableCustomerIds, headers: { authorization: `Bearer ${token}` },
        });
        await runLoad(spec(WARM_UP_SECONDS));
        const result = await runLoad(spec(config.seconds));
        log(`round ${round + 1}, causal reads ${causal}: ${result.rps} req/s, p99 ${result.p99Ms} ms, ${result.errors} errors`);
        sides[causal].push(result);
      } finally {
        await server.stop();
      }
    }
  }
  const summary = (results: LoadResult[]) => ({
    rps: Math.round(results.reduce((sum, result) => sum + result.rps, 0) / results.length),
    p99Ms: Math.round(results.reduce((sum, result) => sum + result.p99Ms, 0) / results.length),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  });
  const results = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadAverage: loadAverage() },
    params: { seconds: config.seconds, connections: config.connections, rounds: ROUNDS, customers: config.customers },
    without: summary(sides.off),
    with: summary(sides.on),
    rounds: sides,
  };
  log(`without causal reads: ${results.without.rps} req/s, p99 ${results.without.p99Ms} ms; with: ${results.with.rps} req/s, p99 ${results.with.p99Ms} ms`);
  const file = path.resolve("bench/results/causal-reads.json");
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`written to ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
