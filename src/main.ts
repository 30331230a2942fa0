import "dotenv/config";
import { loadConfig } from "./config";
import { startGateway } from "./server";

async function main(): Promise<void> {
  const config = loadConfig();
  const gateway = await startGateway(config);
  gateway.logger.info({ url: gateway.url }, "dealer-gateway listening");
  const shutdown = (signal: string) => {
    gateway.logger.info({ signal }, "draining in-flight requests");
    gateway.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
