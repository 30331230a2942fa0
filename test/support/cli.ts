import { Readable, Writable } from "node:stream";
import type { CliIo } from "../../src/cli/cli-io";
import { runCli } from "../../src/cli/program";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/** Runs a `dealer-gateway` command line in this process with the given environment. */
export async function runCommand(args: string[], env: NodeJS.ProcessEnv, stdin = ""): Promise<CliRun> {
  const stdout = sink();
  const stderr = sink();
  const io: CliIo = { stdout: stdout.stream, stderr: stderr.stream, stdin: Readable.from([stdin]), env, clock: () => new Date() };
  const code = await runCli(args, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
