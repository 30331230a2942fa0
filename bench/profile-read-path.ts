import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBenchConfig } from "./bench-config";
import { dealerToken } from "./gateway-client";
import { runLoad } from "./load-phase";
import { prepareDataset } from "./seed";
import { startServer } from "./servers";

/**
 * `tsx bench/profile-read-path.ts`: one gateway process under the read-path load with `--cpu-prof`;
 * the .cpuprofile (open it in Chrome DevTools) lands in bench/results/profiles, with a summary of the
 * heaviest functions by self time printed here.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function heaviest(file: string, count: number): string[] {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as { nodes: ProfileNode[] };
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const where = node.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/(src|bench)\//, "$1/");
    const key = `${node.callFrame.functionName || "(anonymous)"} ${where}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  }
  return [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)
    .map(([key, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

async function main(): Promise<void> {
  const config = { ...loadBenchConfig(), workers: 1 };
  const dataset = await prepareDataset(config, console.log);
  const dir = path.resolve("bench/results/profiles");
  fs.mkdirSync(dir, { recursive: true });
  const before = new Set(fs.readdirSync(dir));
  const gateway = await startServer({
    // BENCH_GATEWAY_SCRIPT profiles another checkout's entry point, to compare before and after a change.
    name: "gateway", script: process.env.BENCH_GATEWAY_SCRIPT || "src/main.ts", readyPath: "/readyz", nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
    env: { DATABASE_URL: config.databaseUrl, GATEWAY_WORKERS: "1", DATA_DIR: path.join(os.tmpdir(), "gw-bench-data"), LOG_LEVEL: process.env.BENCH_LOG_LEVEL || "info", RATE_LIMIT_PER_MINUTE: "1000000000", LOOKUP_RATE_LIMIT_PER_MINUTE: "1000000000" },
  });
  try {
    const token = await dealerToken(gateway.url, dataset.clientId, dataset.clientSecret);
    const result = await runLoad({
      url: gateway.url, seconds: config.seconds, connections: config.connections, method: "GET", path: "/v1/customers/{value}?purpose=service_delivery",
      values: dataset.readableCustomerIds, headers: { authorization: `Bearer ${token}` },
    });
    console.log(result);
  } finally {
    await gateway.stop();
  }
  const written = fs.readdirSync(dir).filter((name) => !before.has(name) && name.endsWith(".cpuprofile"));
  for (const name of written) console.log(`\n${path.join("bench/results/profiles", name)}\n${heaviest(path.join(dir, name), 30).join("\n")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
