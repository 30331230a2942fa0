import { Command, CommanderError } from "commander";
import { PACKAGE } from "../project-root";
import { createAdminCommand } from "./commands/admin-command";
import { exportAuditCommand, verifyAuditCommand, verifyExportCommand } from "./commands/audit-commands";
import { createDealerCommand } from "./commands/dealer-command";
import { importCustomersCommand } from "./commands/import-command";
import { migrateCommand } from "./commands/migrate-command";
import { retentionCommand } from "./commands/retention-command";
import { describeFailure, EXIT_OK, EXIT_USAGE } from "./cli-errors";
import type { CliIo } from "./cli-io";

/** Commander's own refusals (unknown option, missing argument, ...) are usage errors; help and version are not errors. */
const CLEAN_EXITS = new Set(["commander.helpDisplayed", "commander.help", "commander.version"]);

export function buildProgram(io: CliIo): Command {
  const program = new Command("dealer-gateway")
    .description("Operate a dealer-gateway database: migrations, first users and dealers, imports, audit checks and retention.")
    .version(PACKAGE.version)
    .option("-d, --database-url <url>", "the database, as DATABASE_URL (default: DATABASE_URL, then sqlite:./data/gateway.sqlite)")
    .option("--json", "print results as JSON")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", "\nEvery change is audited as actor type system, actor id cli:<your user name>.\nExit codes: 0 done, 1 failed, 2 wrong usage.");
  migrateCommand(program, io);
  createAdminCommand(program, io);
  createDealerCommand(program, io);
  importCustomersCommand(program, io);
  verifyAuditCommand(program, io);
  verifyExportCommand(program, io);
  exportAuditCommand(program, io);
  retentionCommand(program, io);
  return program;
}

/** Runs one command line; resolves to the exit code. Errors go to stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) return CLEAN_EXITS.has(error.code) ? EXIT_OK : EXIT_USAGE;
    const failure = describeFailure(error);
    io.stderr.write(`dealer-gateway: ${failure.message}\n`);
    return failure.code;
  }
}
