import type { Command } from "commander";
import { dealerBody } from "../../dealers/dealer-representation";
import { createDealerSchema } from "../../dealers/dealer-schemas";
import { createDealer, insertCredential, newClientSecret } from "../../dealers/dealer-writes";
import { parse } from "../../http/validate";
import { auditedTransaction, report, withDatabase, type GlobalOptions } from "../cli-context";
import type { CliIo } from "../cli-io";

export function createDealerCommand(program: Command, io: CliIo): void {
  program.command("create-dealer")
    .description("create a dealer, and optionally its first client credential")
    .requiredOption("--name <name>", "the dealer's name")
    .requiredOption("--country <code>", "ISO 3166-1 alpha-2, e.g. FR")
    .option("--safeguard <kind>", "transfer safeguard for a dealer outside the EEA and Switzerland: adequacy or scc")
    .option("--with-credential", "also create a client credential and print its secret, once")
    .addHelpText("after", "\nAudited as dealer.create (and credential.create). The client secret is printed once and never stored in clear.")
    .action(async (options: { name: string; country: string; safeguard?: string; withCredential?: boolean }, command: Command) => {
      const input = parse(createDealerSchema, { name: options.name, country: options.country, ...(options.safeguard ? { transferSafeguard: options.safeguard } : {}) });
      const secret = options.withCredential ? await newClientSecret() : undefined;
      await withDatabase(io, command.optsWithGlobals<GlobalOptions>(), async (ctx) => {
        const dealer = await auditedTransaction(ctx, async (manager, record) => {
          const created = await createDealer(manager, input, ctx.clock());
          await record({ action: "dealer.create", status: 201, dealerId: created.id, detail: { country: created.country, transferSafeguard: created.transferSafeguard } });
          if (secret) {
            // The credentials table names its creator in a 36-character column.
            await insertCredential(manager, created.id, secret, ctx.actorId.slice(0, 36), ctx.clock());
            await record({ action: "credential.create", status: 201, dealerId: created.id, detail: { clientId: secret.clientId } });
          }
          return created;
        });
        const credential = secret ? { clientId: secret.clientId, clientSecret: secret.clientSecret } : undefined;
        const lines = [`created dealer ${dealer.name} (${dealer.id}), ${dealer.country}, ${dealer.status}`];
        if (credential) lines.push(`client id:     ${credential.clientId}`, `client secret: ${credential.clientSecret}`, "The secret is shown this once: store it now.");
        report(ctx, { dealer: dealerBody(dealer), ...(credential ? { credential } : {}) }, lines.join("\n"));
      });
    });
}
