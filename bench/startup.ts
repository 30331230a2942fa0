import { spawnSync } from "node:child_process";
import type { BenchConfig } from "./bench-config";
import { COMPILED_GATEWAY } from "./compiled-gateway";
import { gatewayEnv, log } from "./phases";
import { rssBytes, startServer } from "./servers";

/** How the gateway started before `npm start` ran the compiled build: the sources through tsx. */
export const SOURCE_GATEWAY = "src/main.ts";

export interface StartupMeasurement {
  /** From spawning the process to its first 200 on /readyz, median of the rounds. */
  readyMs: number;
  /** Resident memory once ready, median of the rounds. */
  rssMb: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Builds the compiled gateway, as `npm start` does before it runs, and the bench's own servers (compiled-gateway.ts). */
export function buildGateway(): void {
  for (const args of [["run", "build", "--silent"], ["exec", "--", "tsc", "-p", "tsconfig.bench.json"]]) {
    const build = spawnSync("npm", args, { encoding: "utf8" });
    if (build.status !== 0) throw new Error(`npm ${args.join(" ")} failed:\n${build.stdout}${build.stderr}`);
  }
}

/** One process of each kind on the bench database, started in alternating rounds. */
export async function measureStartup(config: BenchConfig, dataDir: string, rounds = 3): Promise<Record<"compiled" | "source", StartupMeasurement>> {
  const samples = { compiled: [] as StartupMeasurement[], source: [] as StartupMeasurement[] };
  for (let round = 0; round < rounds; round++) {
    for (const [kind, script] of [["compiled", COMPILED_GATEWAY], ["source", SOURCE_GATEWAY]] as const) {
      log(`start-up (${kind}), round ${round + 1} of ${rounds}`);
      const started = performance.now();
      const server = await startServer({ name: `gateway (${kind})`, script, readyPath: "/readyz", env: { ...gatewayEnv(config, dataDir), GATEWAY_WORKERS: "1" } });
      const readyMs = performance.now() - started;
      samples[kind].push({ readyMs, rssMb: rssBytes(server.pid) / 2 ** 20 });
      await server.stop();
    }
  }
  const summary = (kind: keyof typeof samples): StartupMeasurement => ({
    readyMs: Math.round(median(samples[kind].map((sample) => sample.readyMs))),
    rssMb: Math.round(median(samples[kind].map((sample) => sample.rssMb)) * 10) / 10,
  });
  return { compiled: summary("compiled"), source: summary("source") };
}
