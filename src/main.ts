import "dotenv/config";
import { isClusterWorker, runPrimary } from "./cluster";
import { loadConfig } from "./config";
import { createLogger } from "./ops/logger";
import { startGateway } from "./server";

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.GATEWAY_WORKERS > 1 && !isClusterWorker()) {
    await runPrimary(config, createLogger(config.LOG_LEVEL));
    return;
  }
  const gateway = await startGateway(config, { prepared: isClusterWorker() });
  gateway.logger.info({ url: gateway.url, pid: process.pid }, "dealer-gateway listening");
  let stopping = false;
  // A worker may hear a signal twice (from the terminal and from the primary); the second must not cut the drain short.
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ signal }, "draining in-flight requests");
    gateway.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
