import "dotenv/config";
import { startGateway } from "../server";
import { demoSettings, removeDatabase } from "./demo-config";
import { DemoClock } from "./demo-clock";
import { GatewayClient } from "./gateway-client";
import { assertPortFree } from "./port-check";
import { printSummary } from "./print-summary";
import { seedDemo } from "./seed-demo";
import { buildWalkthrough } from "./walkthrough";
import { renderWalkthrough } from "./walkthrough-curl";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `npm run demo`: a gateway on a fresh SQLite file, seeded through its own API, with a printed tour. */
async function main(): Promise<void> {
  const settings = demoSettings();
  const { config } = settings;
  await assertPortFree(config.PORT, config.HOST);
  removeDatabase(settings.databaseFile);
  // The gateway lives the seeded weeks on its own clock, then catches up with the present.
  const seededUntil = new Date();
  const clock = new DemoClock(new Date(seededUntil.getTime() - settings.historyDays * 86_400_000));
  const gateway = await startGateway(config, { clock: clock.read });
  const stop = async (code: number) => {
    await gateway.stop().catch(() => undefined);
    process.exit(code);
  };
  const onSignal = (signal: string) => {
    console.log(`\n${signal}: stopping the demo gateway`);
    void stop(0);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  console.log(`dealer-gateway demo: ${gateway.url} on ${settings.databaseFile} (fresh)\nseeding through the admin API…`);
  const started = Date.now();
  const admin = await new GatewayClient(gateway.url).login(config.GATEWAY_ADMIN_USERNAME, config.GATEWAY_ADMIN_PASSWORD!);
  const dataset = await seedDemo({
    admin, customers: settings.customers, now: clock.read, progress: (line) => console.log(`  ${line}`),
    ...(settings.historyDays > 0 ? { history: { until: seededUntil, moveTo: (at: Date) => clock.moveTo(at) } } : {}),
  });
  clock.moveTo(new Date());
  console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // The short-lived consents should read as expired before the walkthrough says so.
  if (dataset.shortLivedUntil) await sleep(Math.max(0, Date.parse(dataset.shortLivedUntil) - Date.now() + 500));

  // A password the operator chose is theirs; only the built-in demo password is printed.
  const adminPassword = settings.adminPasswordFromEnv ? "(your GATEWAY_ADMIN_PASSWORD)" : config.GATEWAY_ADMIN_PASSWORD!;
  console.log(printSummary(gateway.url, { username: config.GATEWAY_ADMIN_USERNAME, password: adminPassword }, dataset));
  console.log(renderWalkthrough(gateway.url, buildWalkthrough(dataset)));

  if (settings.exitAfterSeed) return stop(0);
  console.log("The gateway keeps running; press Ctrl-C to stop it.");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
