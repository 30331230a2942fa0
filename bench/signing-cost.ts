import mysql from "mysql2/promise";
import { siblingDatabaseUrl, type BenchConfig } from "./bench-config";
import { compiledModule } from "./compiled-gateway";
import { log } from "./phases";
import { median } from "./read-path-comparison";
import { serverUrl } from "./seed";
import { cpuSeconds, databaseServerPid } from "./servers";
import { setSigningAtWrite } from "./signing-switch";

/**
 * What signing at write costs, as CPU per audit event, measured in one process against the compiled
 * gateway's own audit log: phases of writing events alternate with signing off and on
 * (bench/signing-switch.ts), each the same number of events in batches of the size the read load
 * made on this machine, the signed ones integrated into the Merkle tree as often as the integrator's
 * timer did under that load. CPU time, unlike req/s, does not move with what else the machine runs,
 * so paired phases give a difference that one run can resolve to a few µs.
 */
const EVENTS_PER_PHASE = 8000;
const PAIRS = 5;

/**
 * The write batches and integration rounds of the read load. Batches are as large as the events that
 * arrive during one batch's round trip, which varies with the host and the load (10 and 19 events
 * under 50 connections on two hosts, 4 in the comparison's rounds at once on the first): the
 * signature, the MAC and the batch row are paid once a batch.
 */
export interface WriteShape {
  eventsPerBatch: number;
  eventsPerRound: number;
}

/** The read load's shape as measured: its events per batch, and its events per integration round at two rounds a second. */
export function writeShapeOf(events: number, batches: number, rps: number): WriteShape {
  const eventsPerBatch = Math.min(100, Math.max(1, Math.round(events / Math.max(1, batches))));
  return { eventsPerBatch, eventsPerRound: Math.max(eventsPerBatch * 4, Math.round(rps / 2)) };
}

export interface SigningCost {
  eventsPerPhase: number;
  eventsPerBatch: number;
  eventsPerRound: number;
  /** CPU µs per event of each phase, in the order run: unsigned, signed, unsigned, ... */
  phases: { signed: boolean; nodeUs: number; databaseUs: number; integrationNodeUs: number; integrationDatabaseUs: number }[];
  /** Medians over the pairs of what the signed phase took beyond the unsigned one. */
  extraNodeUs: number;
  extraDatabaseUs: number;
  /** Of the signed phases (medians): the part spent integrating. */
  integrationNodeUs: number;
  integrationDatabaseUs: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const nodeMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** A database of its own, made anew beside the bench's: `<bench database>_signing`, under the seed's name rule. */
async function freshDatabase(databaseUrl: string): Promise<string> {
  const url = siblingDatabaseUrl(databaseUrl, "signing");
  const { server, database } = serverUrl(url);
  const db = await mysql.createConnection(server);
  try {
    await db.query(`DROP DATABASE IF EXISTS ${database}`);
    await db.query(`CREATE DATABASE ${database}`);
  } finally {
    await db.end();
  }
  return url;
}

function event(i: number) {
  return {
    actorType: "dealer", actorId: `bench-client-${i % 50}`, action: "customer.read", dealerId: "0190a3c2-7b1e-7c3a-9d2f-1b2c3d4e5f60",
    customerId: `0190a3c2-7b1e-7c3a-9d2f-${String(i).padStart(12, "0")}`, purpose: "service_delivery", decision: "allow",
    fields: ["name", "email", "phone", "preferredLanguage", "serviceOrders", "warranties"], status: 200, requestId: `bench-${i}`, ip: "127.0.0.1",
  };
}

export async function measureSigningCost(config: BenchConfig, shape: WriteShape): Promise<SigningCost> {
  const { eventsPerBatch, eventsPerRound } = shape;
  log(`signing at write: ${PAIRS} pairs of ${EVENTS_PER_PHASE}-event phases without and with it, ${eventsPerBatch} events a batch, CPU per event`);
  const { createDataSource } = compiledModule("db/data-source.js") as { createDataSource: (url: string, pool: number) => import("typeorm").DataSource };
  const { migrate } = compiledModule("db/migrate.js") as { migrate: (ds: import("typeorm").DataSource) => Promise<void> };
  const { createAuditLog } = compiledModule("audit/audit-log.js") as { createAuditLog: (...args: unknown[]) => { record(input: unknown): Promise<void> } };
  const { integrateAuditLog } = compiledModule("audit/audit-integrator.js") as { integrateAuditLog: (deps: unknown) => Promise<number> };
  const { generateAuditKey } = compiledModule("audit/audit-key.js") as { generateAuditKey: () => unknown };
  const { createLogger } = compiledModule("ops/logger.js") as { createLogger: (level: string) => unknown };
  const dataSource = createDataSource(await freshDatabase(config.databaseUrl), 10);
  await dataSource.initialize();
  const databasePid = databaseServerPid(Number(new URL(config.databaseUrl).port || 3306));
  const databaseMs = () => (databasePid ? cpuSeconds(databasePid) * 1000 : 0);
  const clock = () => new Date();
  const key = generateAuditKey();
  const deps = { dataSource, key, clock, logger: createLogger("silent") };
  const audit = createAuditLog(dataSource, clock, key, { batch: true, maxBatch: eventsPerBatch });
  let written = 0;

  const phase = async (signed: boolean) => {
    setSigningAtWrite(signed);
    const start = { node: nodeMs(), database: databaseMs() };
    const integration = { node: 0, database: 0 };
    for (let done = 0; done < EVENTS_PER_PHASE; done += eventsPerRound) {
      // Four batches on their way at a time, as a loaded process has.
      for (let i = 0; i < eventsPerRound; i += eventsPerBatch * 4) {
        await Promise.all(Array.from({ length: Math.min(eventsPerBatch * 4, eventsPerRound - i) }, () => audit.record(event(written++))));
      }
      if (!signed) continue;
      const before = { node: nodeMs(), database: databaseMs() };
      await integrateAuditLog(deps);
      integration.node += nodeMs() - before.node;
      integration.database += databaseMs() - before.database;
    }
    const perEvent = (ms: number) => round1((ms * 1000) / EVENTS_PER_PHASE);
    return {
      signed, nodeUs: perEvent(nodeMs() - start.node), databaseUs: perEvent(databaseMs() - start.database),
      integrationNodeUs: perEvent(integration.node), integrationDatabaseUs: perEvent(integration.database),
    };
  };

  try {
    await migrate(dataSource);
    // Warm-up: both paths compiled by the JIT and the tables past their first pages.
    await phase(false);
    await phase(true);
    const phases: SigningCost["phases"] = [];
    for (let pair = 0; pair < PAIRS; pair++) phases.push(await phase(false), await phase(true));
    const pairs = Array.from({ length: PAIRS }, (_, i) => [phases[2 * i]!, phases[2 * i + 1]!] as const);
    const signedPhases = phases.filter((p) => p.signed);
    return {
      eventsPerPhase: EVENTS_PER_PHASE, eventsPerBatch, eventsPerRound, phases,
      extraNodeUs: round1(median(pairs.map(([off, on]) => on.nodeUs - off.nodeUs))),
      extraDatabaseUs: round1(median(pairs.map(([off, on]) => on.databaseUs - off.databaseUs))),
      integrationNodeUs: median(signedPhases.map((p) => p.integrationNodeUs)),
      integrationDatabaseUs: median(signedPhases.map((p) => p.integrationDatabaseUs)),
    };
  } finally {
    setSigningAtWrite(true);
    await dataSource.destroy();
  }
}
