import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ADMIN_PASSWORD, testAuditKeyPem, testKeys } from "./gateway";

/**
 * A real gateway process (`src/main.ts`, or its compiled build as `npm start` runs it), for what only a process can show:
 * signals, a hard kill, several processes on one database.
 */
export interface ChildGateway {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends the process if it still runs, then removes its data directory. */
  dispose(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "../..");

/** A port nobody listens on right now (PORT=0 would not tell us which one the child took). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** How the gateway is started: from its sources with tsx (the default), or as `npm start` runs the compiled build. */
export const FROM_SOURCES = ["--import", "tsx", "src/main.ts"];
export const COMPILED = ["--enable-source-maps", "dist/server/main.js"];

export async function spawnGateway(options: { databaseUrl: string; env?: Record<string, string>; readyTimeoutMs?: number; nodeArgs?: string[] }): Promise<ChildGateway> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-child-"));
  const privateKey = testKeys().privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  const child = spawn(process.execPath, options.nodeArgs ?? FROM_SOURCES, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.tmpdir(), NODE_ENV: "production",
      DATABASE_URL: options.databaseUrl, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "warn",
      JWT_PRIVATE_KEY: privateKey, AUDIT_SIGNING_KEY: testAuditKeyPem(), GATEWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      RATE_LIMIT_PER_MINUTE: "100000", LOGIN_RATE_LIMIT_PER_MINUTE: "100000", TOKEN_RATE_LIMIT_PER_MINUTE: "100000", LOOKUP_RATE_LIMIT_PER_MINUTE: "100000",
      AUTH_FAILURE_RATE_LIMIT_PER_MINUTE: "100000", AUDIT_REFUSALS_SINGLY_PER_WINDOW: "100000",
      // One process per child: signals and kills reach the process that serves.
      GATEWAY_WORKERS: "1",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const gateway: ChildGateway = {
    url, port, process: child, exited,
    output: () => output,
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  let ended = false;
  void exited.then(() => (ended = true));
  while (Date.now() < deadline && !ended) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return gateway;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await gateway.dispose();
  throw new Error(`gateway process did not become ready:\n${output}`);
}
