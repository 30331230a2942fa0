import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Builds the console into dist/console when its sources changed since the last build, so `npm start`,
 * `npm run demo` and the browser tests always serve the current console without rebuilding every time.
 * `--force` rebuilds regardless (`npm run build:console`).
 */
const ROOT = path.resolve(__dirname, "..");
const CONSOLE_DIR = __dirname;
export const CONSOLE_DIST = path.join(ROOT, "dist", "console");
const STAMP = path.join(ROOT, "dist", "console.source-hash");
const LOCK = path.join(ROOT, "dist", "console.build-lock");
const VITE_CLI = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
const LOCK_STALE_MS = 120_000;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** The console's sources and the locked dependency versions: what a build's output depends on. */
export function consoleSourceHash(): string {
  const hash = createHash("sha256");
  const files = [...filesUnder(CONSOLE_DIR), path.join(ROOT, "package-lock.json")].sort();
  for (const file of files) hash.update(path.relative(ROOT, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  return hash.digest("hex");
}

export function consoleIsCurrent(): boolean {
  return fs.existsSync(path.join(CONSOLE_DIST, "index.html")) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === consoleSourceHash();
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Parallel test workers may all ask for a build at once; one builds, the others wait for it. */
function withBuildLock<T>(work: () => T): T {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS || Date.now() > deadline) fs.rmSync(LOCK, { recursive: true, force: true });
      else sleep(200);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

export function buildConsole(): void {
  const hash = consoleSourceHash();
  const result = spawnSync(process.execPath, [VITE_CLI, "build", "--config", path.join(CONSOLE_DIR, "vite.config.ts")], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`the console build failed (exit ${result.status ?? result.signal})`);
  fs.writeFileSync(STAMP, hash);
}

/** Builds unless the output matches the sources; returns what it did. */
export function ensureConsoleBuilt(options: { force?: boolean } = {}): "current" | "built" | "no-build-tools" {
  if (!options.force && consoleIsCurrent()) return "current";
  // An install without dev dependencies cannot build; it serves what was built before, or the "not built" page.
  if (!fs.existsSync(VITE_CLI)) return "no-build-tools";
  return withBuildLock(() => {
    if (!options.force && consoleIsCurrent()) return "current";
    buildConsole();
    return "built";
  });
}

if (require.main === module) {
  const outcome = ensureConsoleBuilt({ force: process.argv.includes("--force") });
  if (outcome === "built") console.log(`console built into ${path.relative(ROOT, CONSOLE_DIST)}`);
  if (outcome === "no-build-tools") {
    const hasBuild = fs.existsSync(path.join(CONSOLE_DIST, "index.html"));
    console.warn(hasBuild
      ? "vite is not installed: serving the console built earlier, which may be out of date"
      : "vite is not installed and the console was never built: /console will say so until `npm install` and `npm run build:console`");
    if (process.argv.includes("--force")) process.exit(1);
  }
}
