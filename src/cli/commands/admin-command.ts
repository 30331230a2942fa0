import type { Command } from "commander";
import { createSchema } from "../../admin-users/admin-user-routes";
import { createAdminUser } from "../../admin-users/admin-user-writes";
import { publicUser } from "../../admin-users/admin-user-routes";
import { hashSecret } from "../../auth/password";
import { parse } from "../../http/validate";
import { UsageError } from "../cli-errors";
import { auditedTransaction, report, withDatabase, type GlobalOptions } from "../cli-context";
import { promptHidden, readStdin, type CliIo } from "../cli-io";

async function readPassword(io: CliIo, fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin(io);
  if (!io.stdin.isTTY) throw new UsageError("no terminal to ask for the password: pipe it in with --password-stdin");
  const first = await promptHidden(io, "Password (at least 12 characters): ");
  const again = await promptHidden(io, "Password again: ");
  if (first !== again) throw new UsageError("the two passwords differ");
  return first;
}

export function createAdminCommand(program: Command, io: CliIo): void {
  program.command("create-admin")
    .description("create an admin user")
    .requiredOption("--username <name>", "3-64 letters, digits or . _ @ -")
    .requiredOption("--roles <roles>", "comma-separated: user_admin, crm_admin, compliance_auditor")
    .option("--password-stdin", "read the password from standard input instead of asking for it")
    .addHelpText("after", "\nThe password is asked for on the terminal, or read from standard input with --password-stdin; never pass it as an argument. Audited as user.create.")
    .action(async (options: { username: string; roles: string; passwordStdin?: boolean }, command: Command) => {
      const password = await readPassword(io, options.passwordStdin ?? false);
      const roles = options.roles.split(",").map((role) => role.trim()).filter(Boolean);
      const input = parse(createSchema, { username: options.username, password, roles });
      const passwordHash = await hashSecret(input.password);
      await withDatabase(io, command.optsWithGlobals<GlobalOptions>(), async (ctx) => {
        const user = await auditedTransaction(ctx, async (manager, record) => {
          const created = await createAdminUser(manager, { username: input.username, passwordHash, roles: input.roles }, ctx.clock());
          await record({ action: "user.create", status: 201, detail: { userId: created.id, roles: created.roles } });
          return created;
        });
        report(ctx, publicUser(user), `created admin user ${user.username} (${user.id}) with roles ${user.roles.join(", ")}`);
      });
    });
}
