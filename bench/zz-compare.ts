import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBenchConfig } from "./bench-config";
import { dealerToken } from "./gateway-client";
import { runLoad } from "./load-phase";
import { prepareDataset } from "./seed";
import { cpuSeconds, startServer } from "./servers";
// VARIANTS=name:workers,... ; "baseline:N" for the baseline
async function main() {
  const config = loadBenchConfig();
  const dataset = await prepareDataset(config, console.log);
  const variants = (process.env.VARIANTS ?? "").split(",").filter(Boolean);
  const rounds = Number(process.env.ROUNDS ?? 2);
  const mysqld = Number(process.env.MYSQLD_PID);
  const out: Record<string, unknown>[] = [];
  for (let r = 0; r < rounds; r++) for (const v of variants) {
    const [name, workers] = v.split(":") as [string, string];
    const server = name === "baseline"
      ? await startServer({ name, script: "bench/baseline-server.ts", readyPath: "/healthz", env: { DATABASE_URL: config.databaseUrl, BASELINE_WORKERS: workers } })
      : await startServer({ name, script: path.join("/tmp/gw-variants", name, "src/main.ts"), readyPath: "/readyz", env: { DATABASE_URL: config.databaseUrl, GATEWAY_WORKERS: workers, DATA_DIR: path.join(os.tmpdir(), "gw-bench-data"), LOG_LEVEL: "info", RATE_LIMIT_PER_MINUTE: "1000000000", LOOKUP_RATE_LIMIT_PER_MINUTE: "1000000000" } });
    try {
      const token = name === "baseline" ? "x" : await dealerToken(server.url, dataset.clientId, dataset.clientSecret);
      const spec = (seconds: number) => ({ url: server.url, seconds, connections: config.connections, method: "GET" as const, path: "/v1/customers/{value}?purpose=service_delivery", values: dataset.readableCustomerIds, headers: { authorization: `Bearer ${token}` } });
      await runLoad(spec(3));
      const c0 = cpuSeconds(server.pid), m0 = cpuSeconds(mysqld);
      const res = await runLoad(spec(config.seconds));
      const cpu = cpuSeconds(server.pid) - c0, m = cpuSeconds(mysqld) - m0;
      const row = { round: r, variant: v, rps: res.rps, p50: res.p50Ms, p99: res.p99Ms, errors: res.errors, nodeMsPerReq: +(cpu * 1000 / res.requests).toFixed(3), mysqldMsPerReq: +(m * 1000 / res.requests).toFixed(3), load: +os.loadavg()[0]!.toFixed(1) };
      console.log(JSON.stringify(row));
      out.push(row);
    } finally { await server.stop(); }
  }
  fs.appendFileSync("/tmp/gw-compare.jsonl", out.map((o) => JSON.stringify({ at: new Date().toISOString(), ...o })).join("\n") + "\n");
}
main();
