import fs from "node:fs";
import path from "node:path";

/**
 * The directory of the gateway's package.json: where the built console and the docs page's files are
 * found, whether the gateway runs from its TypeScript sources (src/) or compiled (dist/server/).
 */
export const PROJECT_ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();

/** The gateway's package.json, read from PROJECT_ROOT (the compiled build does not carry a copy). */
export const PACKAGE: { version: string; description: string } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
