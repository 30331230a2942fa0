import { z } from "zod";

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  DATABASE_URL: z.string().default("sqlite:./data/gateway.sqlite"),
  /** A database user that may change the schema: start-up migrates through it, then serves through DATABASE_URL's. */
  MIGRATION_DATABASE_URL: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Gateway processes sharing the port (node cluster); more than one uses more than one CPU core. */
  GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  HOST: z.string().default("0.0.0.0"),
  DATA_DIR: z.string().default("./data"),
  JWT_ISSUER: z.string().default("dealer-gateway"),
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_PREVIOUS_PUBLIC_KEYS: z.string().optional(),
  DEALER_TOKEN_TTL_SECONDS: seconds(600).refine((v) => v <= 900, "dealer tokens live at most 15 minutes"),
  ADMIN_TOKEN_TTL_SECONDS: seconds(3600),
  GATEWAY_ADMIN_USERNAME: z.string().min(1).default("admin"),
  GATEWAY_ADMIN_PASSWORD: z.string().min(1).optional(),
  BODY_LIMIT: z.string().default("100kb"),
  IMPORT_BODY_LIMIT: z.string().default("20mb"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TRUST_PROXY: z.string().default("loopback"),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  TOKEN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(120),
  /** Per admin account, whatever the address: wrong passwords in a row before sign-in backs off. */
  LOGIN_FAILURES_BEFORE_BACKOFF: z.coerce.number().int().min(1).max(100).default(5),
  /** The first backoff, doubled by each further wrong password up to LOGIN_BACKOFF_MAX_SECONDS. */
  LOGIN_BACKOFF_BASE_SECONDS: seconds(30),
  LOGIN_BACKOFF_MAX_SECONDS: seconds(900),
  /** Dealer lookups per minute per dealer client, on top of RATE_LIMIT_PER_MINUTE: enumeration by email or phone stays impractical. */
  LOOKUP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Requests refused for a missing or invalid bearer token, per client address per minute; past it they get 429. */
  AUTH_FAILURE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Identical refusals (same address, actor, action and reason) audited one by one per window; the rest are counted (docs/audit.md). */
  AUDIT_REFUSALS_SINGLY_PER_WINDOW: z.coerce.number().int().min(1).default(10),
  /** The window after which the counted refusals are written, one audit event per kind with their number. */
  AUDIT_REFUSAL_WINDOW_SECONDS: seconds(60),
  /** redis://host:port: rate-limit counters shared by every gateway process; absent keeps them per process. */
  RATE_LIMIT_REDIS_URL: z.string().url().optional(),
  RATE_LIMIT_REDIS_PREFIX: z.string().min(1).default("dealer-gateway:rl:"),
  /** How long a new database connection may take, and a single query, before the request fails with 503. */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(1000).default(10_000),
  /** On SIGTERM, how long in-flight requests may take to finish before their connections are closed. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** Policy P9: a customer without purchase, contract or consent activity for this many years is erased. */
  RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(10),
  /** How often each gateway process runs retention; 0 leaves it to `dealer-gateway retention` (cron). */
  RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
  /** PKCS#8 PEM of the Ed25519 key that signs audit events and checkpoints; generated into DATA_DIR when absent. */
  AUDIT_SIGNING_KEY: z.string().optional(),
  /** The checkpoint origin line and note key name: unique to this log, without spaces or '+'. */
  /** The privacy policy version consents are currently collected under: the console's consent form starts with it. */
  PRIVACY_POLICY_VERSION: z.string().trim().min(1).max(64).optional(),
  AUDIT_LOG_ORIGIN: z.string().regex(/^[^\s+]+$/, "no spaces or '+'").default("dealer-gateway/audit-log"),
  /** A file outside the database's reach that every checkpoint is appended to, and verification compares against. */
  AUDIT_WITNESS_FILE: z.string().optional(),
  /** How often each gateway process integrates new audit events into the Merkle tree and signs a checkpoint. */
  AUDIT_INTEGRATE_INTERVAL_MS: z.coerce.number().int().min(50).max(1000).default(500),
  /** Host names or addresses (comma-separated) a dealer webhook may name although plain http: or a private address; for tests and closed networks. */
  WEBHOOK_ALLOWED_HOSTS: z.string().default(""),
  /** Base64 of 32 bytes: the key that encrypts webhook signing secrets at rest, the same for every process; generated into DATA_DIR when absent. */
  WEBHOOK_SECRET_KEY: z.string().optional(),
  /** How often each gateway process looks for webhook deliveries that are due; 0 leaves delivery to the other processes. */
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(0).default(250),
  /** One delivery attempt's deadline, connection and answer included. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Deliveries to one dealer in flight at once, per gateway process. */
  WEBHOOK_CONCURRENCY_PER_DEALER: z.coerce.number().int().min(1).max(64).default(4),
  /** How long a failing delivery is retried before the webhook is disabled; the contract asks for at least 24 hours. */
  WEBHOOK_RETRY_WINDOW_HOURS: z.coerce.number().min(24).max(24 * 14).default(24),
});

export type Config = z.infer<typeof schema>;

/** Parses the environment once; an invalid setting stops start-up with a readable message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (as in a copied .env.example) means "use the default".
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
