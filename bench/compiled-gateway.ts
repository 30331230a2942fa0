import path from "node:path";

/** How `npm start` starts the gateway: the compiled build. */
export const COMPILED_GATEWAY = "dist/server/main.js";

/**
 * The bench's own servers (the unsigned gateway, the baseline and the audited floor), compiled by
 * buildGateway into dist/bench and started with plain node, as the gateway is. Started through tsx
 * instead, the same gateway served about a tenth fewer requests a second on this 2-vCPU host, which
 * flattered whatever it was measured against.
 */
export const compiledBenchScript = (name: string) => `dist/bench/${name}.js`;

/** One of the compiled gateway's modules, by its path under dist/server. */
export const compiledModule = (module: string) => require(path.resolve(path.dirname(COMPILED_GATEWAY), module)) as Record<string, unknown>;
