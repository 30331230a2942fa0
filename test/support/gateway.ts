import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import type { Logger } from "pino";
import supertest from "supertest";
import type { DataSource } from "typeorm";
import type { AuditLog } from "../../src/audit/audit-log";
import { generateSigningKeys, type SigningKeys } from "../../src/auth/signing-keys";
import { loadConfig, type Config } from "../../src/config";
import { createLogger } from "../../src/ops/logger";
import { startGateway, type Gateway } from "../../src/server";
import type { Lookup } from "../../src/webhooks/egress-guard";
import { createTestDatabase, type TestDatabase } from "./databases";

export const ADMIN_USERNAME = "admin";
export const ADMIN_PASSWORD = "correct-horse-battery-staple";

/** A clock tests can move; the gateway reads it on every decision. */
export class TestClock {
  constructor(public now = new Date("2026-06-01T10:00:00.000Z")) {}
  read = (): Date => new Date(this.now);
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }
}

let sharedKeys: SigningKeys | undefined;
export function testKeys(): SigningKeys {
  sharedKeys ??= generateSigningKeys();
  return sharedKeys;
}

let sharedAuditKeyPem: string | undefined;
/** One audit signing key for every gateway and CLI run of a test process, as all processes of one log share theirs. */
export function testAuditKeyPem(): string {
  sharedAuditKeyPem ??= generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  return sharedAuditKeyPem;
}

export interface TestGateway {
  url: string;
  http: ReturnType<typeof supertest>;
  dataSource: DataSource;
  clock: TestClock;
  config: Config;
  gateway: Gateway;
  database: TestDatabase;
  /** A bearer token of the bootstrap admin, who holds every role. */
  adminToken(): Promise<string>;
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  env?: Record<string, string>;
  audit?: (real: AuditLog) => AuditLog;
  database?: TestDatabase;
  clock?: TestClock;
  /** The gateway's logger; silent when absent. */
  logger?: Logger;
  /** Stands in for DNS when resolving webhook hosts. */
  webhookLookup?: Lookup;
}

/** A real gateway on a real database, listening on a free port. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const database = options.database ?? (await createTestDatabase());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-data-"));
  const config = loadConfig({
    DATABASE_URL: database.url, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", DATA_DIR: dataDir,
    GATEWAY_ADMIN_PASSWORD: ADMIN_PASSWORD, AUDIT_SIGNING_KEY: testAuditKeyPem(), RATE_LIMIT_PER_MINUTE: "100000", LOGIN_RATE_LIMIT_PER_MINUTE: "100000", TOKEN_RATE_LIMIT_PER_MINUTE: "100000", LOOKUP_RATE_LIMIT_PER_MINUTE: "100000",
    AUTH_FAILURE_RATE_LIMIT_PER_MINUTE: "100000", AUDIT_REFUSALS_SINGLY_PER_WINDOW: "100000",
    // The test clock stands still unless a test moves it, so a backoff would never end: tests of it set their own.
    LOGIN_FAILURES_BEFORE_BACKOFF: "100", ...options.env,
  });
  const clock = options.clock ?? new TestClock();
  const gateway = await startGateway(config, { keys: testKeys(), clock: clock.read, logger: options.logger ?? createLogger("silent"), auditDecorator: options.audit,
    webhookLookup: options.webhookLookup,
  });
  const http = supertest(gateway.url);
  let token: string | undefined;
  return {
    url: gateway.url, http, dataSource: gateway.dataSource, clock, config, gateway, database,
    async adminToken() {
      if (!token) {
        const response = await http.post("/v1/auth/login").send({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD }).expect(200);
        token = response.body.access_token as string;
      }
      return token;
    },
    async stop() {
      await gateway.stop();
      if (!options.database) await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
