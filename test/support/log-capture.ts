import { Writable } from "node:stream";
import type { Logger } from "pino";
import { createLogger } from "../../src/ops/logger";

/** The gateway's own logger writing into memory, so a test can read every line it wrote. */
export interface CapturedLogs {
  logger: Logger;
  /** Everything written so far, as text. */
  text(): string;
  /** The lines written so far, parsed. */
  entries(): Record<string, unknown>[];
}

export function captureLogs(level = "info"): CapturedLogs {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return {
    logger: createLogger(level, sink),
    text: () => lines.join(""),
    entries: () => lines.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
