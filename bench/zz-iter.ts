import os from "node:os";
import path from "node:path";
import { loadBenchConfig } from "./bench-config";
import { dealerToken } from "./gateway-client";
import { runLoad } from "./load-phase";
import { prepareDataset } from "./seed";
import { cpuSeconds, startServer } from "./servers";
async function main() {
  const config = loadBenchConfig();
  const dataset = await prepareDataset(config, console.log);
  const which = (process.env.ITER ?? "gateway,baseline").split(",");
  for (const side of which) {
    const server = side === "gateway"
      ? await startServer({ name: "gateway", script: "src/main.ts", readyPath: "/readyz", env: { DATABASE_URL: config.databaseUrl, GATEWAY_WORKERS: String(config.workers), DATA_DIR: path.join(os.tmpdir(), "gw-bench-data"), LOG_LEVEL: process.env.BENCH_LOG_LEVEL || "info", RATE_LIMIT_PER_MINUTE: "1000000000", LOOKUP_RATE_LIMIT_PER_MINUTE: "1000000000" } })
      : await startServer({ name: "baseline", script: "bench/baseline-server.ts", readyPath: "/healthz", env: { DATABASE_URL: config.databaseUrl, BASELINE_WORKERS: String(config.workers) } });
    const token = side === "gateway" ? await dealerToken(server.url, dataset.clientId, dataset.clientSecret) : "x";
    const spec = (seconds: number) => ({ url: server.url, seconds, connections: config.connections, method: "GET" as const, path: "/v1/customers/{value}?purpose=service_delivery", values: dataset.readableCustomerIds, headers: { authorization: `Bearer ${token}` } });
    await runLoad(spec(3));
    const c0 = cpuSeconds(server.pid);
    const m0 = cpuSeconds(Number(process.env.MYSQLD_PID));
    const r = await runLoad(spec(config.seconds));
    const cpu = cpuSeconds(server.pid) - c0;
    const mcpu = cpuSeconds(Number(process.env.MYSQLD_PID)) - m0;
    console.log("mysqld cpu ms/req", ((mcpu * 1000) / r.requests).toFixed(3), "mysqld cores", (mcpu / config.seconds).toFixed(2), "server cores", (cpu / config.seconds).toFixed(2));
    console.log(side, JSON.stringify(r), "cpu ms/req", ((cpu * 1000) / r.requests).toFixed(3), "load", os.loadavg()[0]!.toFixed(1));
    await server.stop();
  }
}
main();
