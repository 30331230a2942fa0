import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LoadResult, LoadSpec } from "./load";

/** Runs one load phase in a separate process (bench/load.ts) and returns what it measured. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gw-bench-load-"));
  const file = path.join(dir, "spec.json");
  fs.writeFileSync(file, JSON.stringify(spec));
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "load.ts"), file], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      // The load process stops by itself after spec.seconds; this only guards against a hang.
      const guard = setTimeout(() => child.kill("SIGKILL"), (spec.seconds + 60) * 1000);
      child.once("exit", (code) => {
        clearTimeout(guard);
        if (code === 0) resolve(JSON.parse(stdout) as LoadResult);
        else reject(new Error(`load generator failed (${code}): ${stderr}`));
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
