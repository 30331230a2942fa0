import type { DataSource } from "typeorm";
import { loadAuditKey, type AuditKey } from "../../audit/audit-key";
import { loadConfig } from "../../config";

const keys = new WeakMap<DataSource, AuditKey>();

/** The audit key that a migration run on this DataSource signs with: the one the process that runs it holds. */
export function useAuditKeyForMigrations(dataSource: DataSource, key: AuditKey): void {
  keys.set(dataSource, key);
}

/**
 * The audit key for a migration that must sign: the one registered for its DataSource, else the one the
 * gateway would load from the environment (`npm run migrate`, the typeorm CLI).
 */
export function auditKeyForMigration(dataSource: DataSource): AuditKey {
  const registered = keys.get(dataSource);
  if (registered) return registered;
  const config = loadConfig();
  return loadAuditKey({ privateKeyPem: config.AUDIT_SIGNING_KEY, dataDir: config.DATA_DIR, origin: config.AUDIT_LOG_ORIGIN });
}
