import { DataSource } from "typeorm";
import { loadConfig } from "../src/config";
import { createDataSource, dataSourceOptions } from "../src/db/data-source";
import { startGateway } from "../src/server";

/**
 * One gateway process for bench/causal-reads.ts. CAUSAL_READS=off builds its data source without the
 * Galera session setting that createDataSource adds (never done in the gateway itself), so that both
 * sides of the comparison run the same code otherwise.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const timeouts = { connectMs: config.DB_CONNECT_TIMEOUT_MS, queryMs: config.DB_QUERY_TIMEOUT_MS };
  const dataSource = process.env.CAUSAL_READS === "off"
    ? new DataSource(dataSourceOptions(config.DATABASE_URL, undefined, timeouts))
    : createDataSource(config.DATABASE_URL, undefined, timeouts);
  const gateway = await startGateway(config, { dataSource });
  process.on("SIGTERM", () => gateway.stop().then(() => process.exit(0), () => process.exit(1)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
