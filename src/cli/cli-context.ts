import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Request } from "express";
import type { DataSource, EntityManager } from "typeorm";
import { loadAuditKey, type AuditKey } from "../audit/audit-key";
import { assertKeySignsLog } from "../audit/audit-tree-store";
import { auditInput, createAuditLog, type AuditFacts, type AuditLog } from "../audit/audit-log";
import { loadConfig, type Config } from "../config";
import { createDataSource } from "../db/data-source";
import type { CliIo } from "./cli-io";
import { CommandFailed } from "./cli-errors";

/** What a command works with: the gateway's own database, services and audit log, acting as `cli:<os user>`. */
export interface CliContext {
  io: CliIo;
  config: Config;
  dataSource: DataSource;
  audit: AuditLog;
  auditKey: AuditKey;
  clock: () => Date;
  /** "cli:<os user>", the audit log's actor for everything this run changes. */
  actorId: string;
  /** One id for every audit event of this run. */
  runId: string;
  json: boolean;
}

export interface GlobalOptions {
  databaseUrl?: string;
  json?: boolean;
}

export function cliActor(env: NodeJS.ProcessEnv): string {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    user = env.USER ?? env.USERNAME ?? "unknown";
  }
  return `cli:${user}`.slice(0, 64);
}

/** SQLite creates a missing file on open: a mistyped path would silently become an empty database. */
function refuseMissingSqliteFile(databaseUrl: string): void {
  if (!databaseUrl.startsWith("sqlite:")) return;
  const file = databaseUrl.slice("sqlite:".length);
  if (file === "" || file === ":memory:" || fs.existsSync(file)) return;
  throw new CommandFailed(`no SQLite database at ${path.resolve(file)}: check --database-url (or DATABASE_URL), or run \`dealer-gateway migrate\` first to create it there`);
}

/**
 * Opens the database named by --database-url or DATABASE_URL, runs the command, and closes it. Every
 * command but `migrate` refuses to run on a schema with pending migrations, and on a SQLite file that
 * does not exist yet.
 */
export async function withDatabase<T>(io: CliIo, options: GlobalOptions, work: (ctx: CliContext) => Promise<T>, { requireMigrated = true } = {}): Promise<T> {
  const config = loadConfig({ ...io.env, ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}) });
  if (requireMigrated) refuseMissingSqliteFile(config.DATABASE_URL);
  const dataSource = createDataSource(config.DATABASE_URL, 2, { connectMs: config.DB_CONNECT_TIMEOUT_MS, queryMs: config.DB_QUERY_TIMEOUT_MS });
  await dataSource.initialize();
  try {
    if (requireMigrated && (await dataSource.showMigrations())) {
      throw new CommandFailed("The database schema is not up to date: run `dealer-gateway migrate` first");
    }
    const auditKey = loadAuditKey({ privateKeyPem: config.AUDIT_SIGNING_KEY, dataDir: config.DATA_DIR, origin: config.AUDIT_LOG_ORIGIN });
    if (requireMigrated) await assertKeySignsLog(dataSource, auditKey).catch((error: Error) => {
      throw new CommandFailed(error.message);
    });
    const ctx: CliContext = {
      io, config, dataSource, audit: createAuditLog(dataSource, io.clock, auditKey), auditKey, clock: io.clock,
      actorId: cliActor(io.env), runId: `cli-${randomUUID()}`, json: options.json ?? false,
    };
    return await work(ctx);
  } finally {
    await dataSource.destroy();
  }
}

/** The audit helpers read the request id and address from a request context; a CLI run carries its own. */
function runRequest(ctx: CliContext): Request {
  return { ctx: { requestId: ctx.runId, ip: "local" } } as unknown as Request;
}

export type Facts = Omit<AuditFacts, "decision" | "status" | "actorType" | "actorId"> & { status?: number };

/** Writes one audit event of this run, as `system` / `cli:<user>`; inside `manager`'s transaction when given. */
export function recordEvent(ctx: CliContext, facts: Facts, manager?: EntityManager): Promise<void> {
  return ctx.audit.record(auditInput(runRequest(ctx), { decision: "allow", status: 200, ...facts, actorType: "system", actorId: ctx.actorId }), manager);
}

/** A change and its audit events in one transaction, as the admin API makes them: no change goes unrecorded. */
export function auditedTransaction<T>(ctx: CliContext, work: (manager: EntityManager, record: (facts: Facts) => Promise<void>) => Promise<T>): Promise<T> {
  return ctx.dataSource.transaction((manager) => work(manager, (facts) => recordEvent(ctx, facts, manager)));
}

/** Prints a result: JSON with --json, else the human summary. */
export function report(ctx: Pick<CliContext, "io" | "json">, result: unknown, human: string): void {
  ctx.io.stdout.write(ctx.json ? `${JSON.stringify(result, null, 2)}\n` : `${human}\n`);
}
