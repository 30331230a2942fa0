import fs from "node:fs";
import autocannon from "autocannon";

/**
 * The load generator, run in its own process so its work does not slow the server it measures.
 * Reads a LoadSpec (JSON file named by the first argument), writes a LoadResult as JSON to stdout.
 */
export interface LoadSpec {
  url: string;
  seconds: number;
  connections: number;
  method: "GET" | "POST";
  /** `{value}` in the body, or in the path when there is no body, is replaced by a value picked at random for every request. */
  path: string;
  body?: string;
  values: string[];
  headers: Record<string, string>;
}

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors (timeouts included) and non-2xx answers together. */
  errors: number;
  non2xx: number;
  timeouts: number;
  responses2xx: number;
  requests: number;
}

const pickOne = (values: string[]) => values[Math.floor(Math.random() * values.length)]!;
const inPath = (template: string, values: string[]) => template.replace("{value}", encodeURIComponent(pickOne(values)));
const inJson = (template: string, values: string[]) => template.replace("{value}", JSON.stringify(pickOne(values)).slice(1, -1));

async function main(): Promise<void> {
  const spec = JSON.parse(fs.readFileSync(process.argv[2]!, "utf8")) as LoadSpec;
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(spec.url)) throw new Error("load is only ever sent to 127.0.0.1");
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 10,
    requests: [{
      method: spec.method,
      setupRequest: (request) => ({
        ...request,
        path: spec.body ? spec.path : inPath(spec.path, spec.values),
        headers: { ...spec.headers, ...(spec.body ? { "content-type": "application/json" } : {}) },
        ...(spec.body ? { body: inJson(spec.body, spec.values) } : {}),
      }),
    }],
  });
  const output: LoadResult = {
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    // autocannon counts a timeout among its errors already.
    errors: result.errors + result.non2xx,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    responses2xx: result["2xx"],
    requests: result.requests.total,
  };
  process.stdout.write(JSON.stringify(output));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
