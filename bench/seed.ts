import { randomBytes } from "node:crypto";
import mysql, { type Connection } from "mysql2/promise";
import { bootstrapAdmin } from "../src/admin-users/bootstrap-admin";
import { BATCH_INSERT, signBatch } from "../src/audit/audit-batch";
import { publicAuditEvent, type AuditEventRow } from "../src/audit/audit-event-rows";
import type { AuditKey } from "../src/audit/audit-key";
import { eventLeafHash } from "../src/audit/audit-leaf";
import { hashSecret } from "../src/auth/password";
import { createDataSource } from "../src/db/data-source";
import { migrate } from "../src/db/migrate";
import { timeOrderedUuid } from "../src/db/time-ordered-uuid";
import { benchAuditKey, integrateAll } from "./audit-tree";
import type { BenchConfig } from "./bench-config";
import { AUDIT_COLUMNS, auditEvent, customerProfile, DEALERS, PURPOSES, random, uuid, type AuditContext, type Row } from "./seed-data";

/** Bumped whenever the generated data changes shape, so an older dataset is rebuilt rather than reused. */
const SEED_VERSION = 3;
const ROWS_PER_INSERT = 2000;
export const BENCH_ADMIN = { username: "bench-admin", password: "bench-admin-password-not-secret" };

export interface BenchDataset {
  dealerId: string;
  clientId: string;
  clientSecret: string;
  /** Active customers with a live service_delivery consent for the bench dealer: what the load reads. */
  readableCustomerIds: string[];
  readableEmails: string[];
  /** Customers and dealers that appear in the audit log, for the compliance queries. */
  auditedCustomerIds: string[];
  dealerIds: string[];
  /** A dealer whose events all come from the seed (the load acts as another), so its export has a steady size. */
  exportDealerId: string;
  auditEvents: number;
  seededNow: boolean;
  seedSeconds?: number;
  /** When seeded now: the seeded events integrated into the tree, from pending write batches of 2,000. */
  seedIntegration?: { events: number; seconds: number; eventsPerSecond: number };
}

interface SeedRecord {
  params: string;
  dealer_id: string;
  client_id: string;
  client_secret: string;
  audit_events: number;
}

export function serverUrl(databaseUrl: string): { server: string; database: string } {
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  // The seed drops and recreates this database, so it must be one that is obviously the benchmark's own.
  if (!/^[A-Za-z0-9_]*bench[A-Za-z0-9_]*$/.test(database)) throw new Error("the benchmark database name must contain \"bench\" and only letters, digits or underscores");
  url.pathname = "/";
  return { server: url.toString(), database };
}

async function insertRows(db: Connection, table: string, columns: readonly string[], rows: Row[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await db.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ?`, [rows.slice(start, start + ROWS_PER_INSERT)]);
  }
}

async function existingSeed(db: Connection, database: string, params: string): Promise<SeedRecord | undefined> {
  const [tables] = await db.query("SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = 'bench_seed'", [database]);
  if ((tables as unknown[]).length === 0) return undefined;
  const [rows] = await db.query(`SELECT params, dealer_id, client_id, client_secret, audit_events FROM ${database}.bench_seed`);
  const record = (rows as SeedRecord[])[0];
  return record?.params === params ? record : undefined;
}

async function migrated(databaseUrl: string): Promise<void> {
  const dataSource = createDataSource(databaseUrl, 2);
  await dataSource.initialize();
  try {
    await migrate(dataSource);
    await bootstrapAdmin(dataSource, BENCH_ADMIN.username, BENCH_ADMIN.password, new Date());
  } finally {
    await dataSource.destroy();
  }
}

async function seedDealers(db: Connection, now: string, adminId: string) {
  const next = random(1);
  const dealerIds = DEALERS.map(() => uuid(next));
  const clientIds = DEALERS.map((_, i) => `bench-client-${i}`);
  const grantIds = DEALERS.map(() => PURPOSES.map(() => uuid(next)));
  const clientSecret = randomBytes(24).toString("base64url");
  const secretHash = await hashSecret(clientSecret);
  await insertRows(db, "dealers", ["id", "name", "country", "transfer_safeguard", "status", "created_at", "updated_at"],
    DEALERS.map((dealer, i) => [dealerIds[i]!, dealer.name, dealer.country, dealer.safeguard, "active", now, now]));
  await insertRows(db, "dealer_credentials", ["client_id", "dealer_id", "secret_hash", "created_at", "created_by"],
    DEALERS.map((_, i) => [clientIds[i]!, dealerIds[i]!, secretHash, now, adminId]));
  await insertRows(db, "dealer_grants", ["id", "dealer_id", "purpose_id", "fields", "granted_at", "granted_by"],
    DEALERS.flatMap((_, i) => PURPOSES.map((purpose, p): Row => [grantIds[i]![p]!, dealerIds[i]!, purpose, null, now, adminId])));
  return { dealerIds, clientIds, grantIds, clientSecret };
}

const CUSTOMER_COLUMNS = ["id", "external_ref", "status", "profile", "email_normalized", "phone", "last_activity_at", "created_at", "updated_at", "restricted_at", "erased_at"];
const CONSENT_COLUMNS = ["id", "customer_id", "dealer_id", "channel", "evidence_ref", "policy_version", "expires_at", "created_at", "created_by"];
const CONSENT_PURPOSE_COLUMNS = ["consent_id", "purpose_id", "customer_id", "dealer_id", "expires_at", "withdrawn_at"];
const HISTORY_COLUMNS = ["consent_id", "action", "purposes", "actor_type", "actor_id", "reason", "at"];

/**
 * Customers with consents in the proportions a brand sees: most consent to the bench dealer (a few
 * of those later withdrawn or expired), each also to one or two other dealers; a few are restricted
 * or erased.
 */
async function seedCustomers(db: Connection, count: number, dealerIds: string[], adminId: string, now: Date): Promise<string[]> {
  const next = random(2);
  const customerIds: string[] = [];
  const dayMs = 86_400_000;
  let consentCount = 0;
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const customers: Row[] = [];
    const consents: Row[] = [];
    const purposes: Row[] = [];
    const history: Row[] = [];
    for (let index = start; index < Math.min(count, start + ROWS_PER_INSERT); index++) {
      const id = uuid(next, index);
      customerIds.push(id);
      const created = new Date(now.getTime() - Math.floor(next() * 700) * dayMs).toISOString();
      const profile = customerProfile(next, index);
      const statusRoll = next();
      const status = statusRoll < 0.005 ? "erased" : statusRoll < 0.015 ? "restricted" : "active";
      customers.push(status === "erased"
        ? [id, null, status, null, null, null, null, created, created, null, created]
        : [id, `CRM-${String(index).padStart(8, "0")}`, status, JSON.stringify(profile), String(profile.email), String(profile.phone), created, created, created, status === "restricted" ? created : null, null]);
      const consentTo = [...(next() < 0.8 ? [0] : []), 1 + Math.floor(next() * (dealerIds.length - 1)), ...(next() < 0.4 ? [1 + Math.floor(next() * (dealerIds.length - 1))] : [])];
      for (const dealer of new Set(consentTo)) {
        const consentId = uuid(next, consentCount++);
        const fate = next();
        const expiresAt = fate < 0.05 ? new Date(now.getTime() - dayMs).toISOString() : fate < 0.5 ? new Date(now.getTime() + 365 * dayMs).toISOString() : null;
        const withdrawnAt = fate > 0.95 ? new Date(now.getTime() - 2 * dayMs).toISOString() : null;
        const granted = PURPOSES.filter((purpose) => purpose === "service_delivery" || next() < 0.4);
        consents.push([consentId, id, dealerIds[dealer]!, "boutique", `EV-${index}-${dealer}`, "2021-04", expiresAt, created, adminId]);
        for (const purpose of granted) purposes.push([consentId, purpose, id, dealerIds[dealer]!, expiresAt, withdrawnAt]);
        history.push([consentId, "recorded", JSON.stringify(granted), "admin", adminId, null, created]);
        if (withdrawnAt) history.push([consentId, "withdrawn", JSON.stringify(granted), "admin", adminId, null, withdrawnAt]);
      }
    }
    await insertRows(db, "customers", CUSTOMER_COLUMNS, customers);
    await insertRows(db, "consents", CONSENT_COLUMNS, consents);
    await insertRows(db, "consent_purposes", CONSENT_PURPOSE_COLUMNS, purposes);
    await insertRows(db, "consent_history", HISTORY_COLUMNS, history);
  }
  return customerIds;
}

/** Each inserted chunk is one signed write batch, as the gateway's writer makes them: every event names its batch. */
async function insertSignedBatch(db: Connection, key: AuditKey, rows: Row[]): Promise<void> {
  const batchId = timeOrderedUuid();
  await insertRows(db, "audit_events", [...AUDIT_COLUMNS, "batch_id"], rows.map((row) => [...row, batchId]));
  const events = rows.map((row) => {
    const stored = Object.fromEntries(AUDIT_COLUMNS.map((name, i) => [name, row[i]])) as unknown as AuditEventRow;
    return { id: stored.id, leaf: eventLeafHash(publicAuditEvent(stored)) };
  });
  await db.query(BATCH_INSERT, signBatch(key, events, new Date().toISOString(), batchId));
}

/** Events spread evenly over the past year, oldest first, so seq and time advance together as they do live. */
async function seedAuditEvents(db: Connection, count: number, context: AuditContext, now: Date): Promise<void> {
  const key = benchAuditKey();
  const next = random(3);
  const from = now.getTime() - 365 * 86_400_000;
  const step = (364 * 86_400_000) / count;
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const rows: Row[] = [];
    for (let i = start; i < Math.min(count, start + ROWS_PER_INSERT); i++) rows.push(auditEvent(next, context, new Date(from + Math.floor(i * step)).toISOString()));
    await insertSignedBatch(db, key, rows);
  }
}

/** Seeds the dataset; returns how long integrating the seeded audit log took, in seconds. */
async function seed(db: Connection, config: BenchConfig, database: string, params: string, log: (line: string) => void): Promise<number> {
  const started = Date.now();
  await db.query(`DROP DATABASE IF EXISTS ${database}`);
  // The server's defaults, as an operator creates it: the migrations name every character set and collation.
  await db.query(`CREATE DATABASE ${database}`);
  await migrated(config.databaseUrl);
  await db.query(`USE ${database}`);
  // Our own session only: the seed writes consistent rows, so per-row checks would only slow it down.
  await db.query("SET SESSION foreign_key_checks = 0, unique_checks = 0");
  const [admins] = await db.query("SELECT id FROM admin_users WHERE username = ?", [BENCH_ADMIN.username]);
  const adminId = (admins as { id: string }[])[0]!.id;
  const now = new Date();
  const dealers = await seedDealers(db, now.toISOString(), adminId);
  const customerIds = await seedCustomers(db, config.customers, dealers.dealerIds, adminId, now);
  log(`seeded ${config.customers} customers with consents in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await seedAuditEvents(db, config.auditEvents, { ...dealers, customerIds, adminId }, now);
  log(`seeded ${config.auditEvents} audit events in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const integrationStarted = Date.now();
  await integrateAll(config.databaseUrl);
  const integrationSeconds = (Date.now() - integrationStarted) / 1000;
  log(`integrated the audit log into its Merkle tree in ${integrationSeconds.toFixed(0)} s (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
  await db.query("CREATE TABLE bench_seed (params varchar(255) PRIMARY KEY, dealer_id varchar(36), client_id varchar(64), client_secret varchar(64), audit_events int)");
  await db.query("INSERT INTO bench_seed VALUES (?, ?, ?, ?, ?)", [params, dealers.dealerIds[0], dealers.clientIds[0], dealers.clientSecret, config.auditEvents]);
  return integrationSeconds;
}

async function column<T>(db: Connection, sql: string, params: unknown[] = []): Promise<T[]> {
  const [rows] = await db.query({ sql, rowsAsArray: true }, params);
  return (rows as T[][]).map((row) => row[0]!);
}

/**
 * The dataset of these parameters: reused when the database already holds it (and has not grown past
 * twice its seeded audit log through earlier runs), otherwise dropped and seeded afresh. Only ever
 * touches the benchmark's own database.
 */
export async function prepareDataset(config: BenchConfig, log: (line: string) => void): Promise<BenchDataset> {
  const { server, database } = serverUrl(config.databaseUrl);
  const params = JSON.stringify({ version: SEED_VERSION, customers: config.customers, auditEvents: config.auditEvents });
  const db = await mysql.createConnection({ uri: server, multipleStatements: false });
  try {
    let record = config.reseed ? undefined : await existingSeed(db, database, params);
    if (record) {
      const [counted] = await db.query(`SELECT COUNT(*) AS n FROM ${database}.audit_events`);
      if (Number((counted as { n: number }[])[0]!.n) > 2 * record.audit_events) record = undefined;
    }
    const started = Date.now();
    const seededNow = !record;
    let integrationSeconds: number | undefined;
    if (!record) {
      log(`seeding ${database}: ${config.customers} customers, ${config.auditEvents} audit events`);
      integrationSeconds = await seed(db, config, database, params, log);
      record = (await existingSeed(db, database, params))!;
    }
    await db.query(`USE ${database}`);
    const nowIso = new Date().toISOString();
    const readable = await column<string>(db,
      "SELECT c.id FROM consent_purposes cp JOIN customers c ON c.id = cp.customer_id " +
      "WHERE cp.dealer_id = ? AND cp.purpose_id = 'service_delivery' AND cp.withdrawn_at IS NULL AND (cp.expires_at IS NULL OR cp.expires_at > ?) AND c.status = 'active'",
      [record.dealer_id, nowIso]);
    const readableEmails = await column<string>(db,
      "SELECT c.email_normalized FROM consent_purposes cp JOIN customers c ON c.id = cp.customer_id " +
      "WHERE cp.dealer_id = ? AND cp.purpose_id = 'service_delivery' AND cp.withdrawn_at IS NULL AND (cp.expires_at IS NULL OR cp.expires_at > ?) AND c.status = 'active' LIMIT 5000",
      [record.dealer_id, nowIso]);
    const auditedCustomerIds = await column<string>(db, "SELECT id FROM customers ORDER BY id LIMIT 5000");
    const dealerIds = await column<string>(db, "SELECT id FROM dealers ORDER BY id");
    const auditEvents = Number((await column<number>(db, "SELECT COUNT(*) FROM audit_events"))[0]);
    return {
      dealerId: record.dealer_id, clientId: record.client_id, clientSecret: record.client_secret, readableCustomerIds: readable, readableEmails,
      auditedCustomerIds, dealerIds, exportDealerId: dealerIds.find((id) => id !== record!.dealer_id)!, auditEvents, seededNow, ...(seededNow ? { seedSeconds: Math.round((Date.now() - started) / 1000) } : {}),
      ...(integrationSeconds === undefined ? {} : {
        seedIntegration: { events: config.auditEvents, seconds: Math.round(integrationSeconds * 10) / 10, eventsPerSecond: Math.round(config.auditEvents / integrationSeconds) },
      }),
    };
  } finally {
    await db.end();
  }
}
