import "dotenv/config";
import { processIo } from "./cli-io";
import { runCli } from "./program";

runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
