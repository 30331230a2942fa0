import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBenchConfig } from "./bench-config";
import { COMPILED_GATEWAY, compiledBenchScript } from "./compiled-gateway";
import { dealerToken } from "./gateway-client";
import { runLoad } from "./load-phase";
import { prepareDataset } from "./seed";
import { startServer } from "./servers";
import { buildGateway } from "./startup";

/**
 * `tsx bench/profile-read-path.ts`: one server process under the read-path load with `--cpu-prof`:
 * the gateway, or with BENCH_PROFILE=floor the audited floor (bench/baseline-server.ts), so that the
 * two can be set side by side. The .cpuprofile (open it in Chrome DevTools) lands in
 * bench/results/profiles; printed here are the CPU microseconds per request by component, and the
 * heaviest functions by self time.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

/** Where a sample's time goes: native frames by function name, JavaScript by package or source file. */
const COMPONENTS: [RegExp, string, "function" | "url"][] = [
  [/^(writeBuffer|writev|writeString|writeUtf8String|writeLatin1String)$/, "socket writes (the kernel's send path)", "function"],
  [/^\(garbage collector\)$/, "garbage collection", "function"],
  [/^\(idle\)$/, "(idle)", "function"],
  [/^(Hash|digest|update|signOneShot|verifyOneShot)$|node:internal\/crypto/, "crypto: hashes and signatures", "function"],
  [/node_modules\/(mysql2|sql-escaper|lru\.min|denque|named-placeholders|iconv-lite|generate-function)\//, "mysql2", "url"],
  [/node_modules\/typeorm\//, "typeorm", "url"],
  [/node_modules\/(passport|passport-jwt|jsonwebtoken|jws|jwa|buffer-equal-constant-time|ecdsa-sig-formatter|semver|lodash\.[a-z]+|ms)\//, "passport + jsonwebtoken", "url"],
  [/node_modules\/(helmet)\//, "helmet", "url"],
  [/node_modules\/(pino|sonic-boom|@pinojs|quick-format-unescaped|atomic-sleep|thread-stream|safe-stable-stringify|on-exit-leak-free)\//, "pino", "url"],
  [/node_modules\/(prom-client|tdigest|bintrees)\//, "prom-client", "url"],
  [/node_modules\/express-rate-limit\//, "express-rate-limit", "url"],
  [/node_modules\/zod\//, "zod", "url"],
  [/node_modules\//, "express, router, body-parser and their parts", "url"],
  [/\/(src|dist\/server)\//, "the gateway's own code", "url"],
  [/^node:/, "node: http, streams, events, timers", "url"],
];

function componentOf(node: ProfileNode): string {
  for (const [pattern, name, by] of COMPONENTS) if (pattern.test(by === "function" ? node.callFrame.functionName : node.callFrame.url)) return name;
  return "other native and node";
}

function frameOf(node: ProfileNode): string {
  const where = node.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/(src|bench|dist\/server)\//, "$1/");
  return `${node.callFrame.functionName || "(anonymous)"} ${where}:${node.callFrame.lineNumber + 1}`;
}

/** Self time summed by `keyOf`, in microseconds per request, largest first. */
function selfTime(profile: Profile, requests: number, keyOf: (node: ProfileNode) => string): [string, number][] {
  const samples = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const microsecondsPerSample = (profile.endTime - profile.startTime) / Math.max(1, samples);
  const totals = new Map<string, number>();
  for (const node of profile.nodes) totals.set(keyOf(node), (totals.get(keyOf(node)) ?? 0) + (node.hitCount ?? 0) * microsecondsPerSample / requests);
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

function summary(file: string, requests: number): string[] {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const components = selfTime(profile, requests, componentOf);
  const busy = components.filter(([name]) => name !== "(idle)").reduce((sum, [, micros]) => sum + micros, 0);
  const line = ([name, micros]: [string, number]) => `${micros.toFixed(1).padStart(7)} µs  ${name}`;
  return [
    `CPU per request, by component (busy ${busy.toFixed(1)} µs; the whole run, including its warm-up, over the measured requests):`,
    ...components.map(line),
    "heaviest functions by self time:",
    ...selfTime(profile, requests, frameOf).slice(0, 30).map(line),
  ];
}

async function main(): Promise<void> {
  const config = { ...loadBenchConfig(), workers: 1 };
  const floor = process.env.BENCH_PROFILE === "floor";
  const dataset = await prepareDataset(config, console.log);
  buildGateway();
  const dir = path.resolve("bench/results/profiles");
  fs.mkdirSync(dir, { recursive: true });
  const before = new Set(fs.readdirSync(dir));
  const profiled = ["--cpu-prof", `--cpu-prof-dir=${dir}`];
  const server = floor
    ? await startServer({
      name: "audited floor", script: compiledBenchScript("baseline-server"), readyPath: "/healthz", nodeArgs: profiled,
      env: { DATABASE_URL: config.databaseUrl, BASELINE_WORKERS: "1", BASELINE_AUDIT: "1" },
    })
    : await startServer({
      // BENCH_GATEWAY_SCRIPT profiles another entry point (dist/bench/unsigned-gateway.js, another checkout's), to compare before and after a change.
      name: "gateway", script: process.env.BENCH_GATEWAY_SCRIPT || COMPILED_GATEWAY, readyPath: "/readyz", nodeArgs: profiled,
      env: { DATABASE_URL: config.databaseUrl, GATEWAY_WORKERS: "1", DATA_DIR: path.join(os.tmpdir(), "gw-bench-data"), LOG_LEVEL: process.env.BENCH_LOG_LEVEL || "info", RATE_LIMIT_PER_MINUTE: "1000000000", LOOKUP_RATE_LIMIT_PER_MINUTE: "1000000000" },
    });
  let requests = 1;
  try {
    const token = floor ? "unused" : await dealerToken(server.url, dataset.clientId, dataset.clientSecret);
    const result = await runLoad({
      url: server.url, seconds: config.seconds, connections: config.connections, method: "GET", path: "/v1/customers/{value}?purpose=service_delivery",
      values: dataset.readableCustomerIds, headers: { authorization: `Bearer ${token}` },
    });
    requests = Math.max(1, result.requests);
    console.log(result);
  } finally {
    await server.stop();
  }
  const written = fs.readdirSync(dir).filter((name) => !before.has(name) && name.endsWith(".cpuprofile"));
  for (const name of written) console.log(`\n${path.join("bench/results/profiles", name)}\n${summary(path.join(dir, name), requests).join("\n")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
