import fs from "node:fs";

/**
 * The witness file: every checkpoint the gateway signs, one JSON line each, in a file meant to live
 * outside the database administrator's reach (another volume, a write-once mount, a host that ships
 * it elsewhere). Verification compares the log against its last entry, so wiping and rebuilding every
 * integrity table in the database still shows.
 */

export function appendToWitness(file: string, note: string): void {
  fs.appendFileSync(file, `${JSON.stringify({ note })}\n`, { mode: 0o600 });
}

const TAIL_BYTES = 64 * 1024;

/** The last checkpoint note in the file, reading only its tail; null when there is no file, or it is empty. */
export function lastWitnessed(file: string | undefined): string | null {
  if (!file) return null;
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString("utf8").split("\n").filter((line) => line.trim() !== "");
    const last = lines[lines.length - 1];
    if (!last) return null;
    const parsed = JSON.parse(last) as { note?: unknown };
    if (typeof parsed.note !== "string") throw new Error("the witness file's last line holds no checkpoint note");
    return parsed.note;
  } finally {
    fs.closeSync(fd);
  }
}

/** The checkpoints a verification must find the log extending: the witness file's last, and the caller's. */
export function heldCheckpoints(witnessFile: string | undefined, held?: string): string[] {
  return [lastWitnessed(witnessFile), held].filter((note): note is string => !!note);
}
