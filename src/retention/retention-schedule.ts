import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { AuditLog } from "../audit/audit-log";
import { runRetention } from "./run-retention";

export interface RetentionSchedule {
  stop(): Promise<void>;
}

/**
 * Runs retention every `intervalMinutes` in the background (0: never; use the CLI from cron instead).
 * The timer does not keep the process alive; on MySQL only one process runs at a time. Start it once per
 * gateway process after migrations, and stop it before closing the data source.
 */
export function startRetentionSchedule(
  deps: { dataSource: DataSource; audit: AuditLog; clock: () => Date; logger: Logger; retentionYears: number },
  intervalMinutes: number,
): RetentionSchedule {
  if (intervalMinutes <= 0) return { stop: async () => undefined };
  let current: Promise<unknown> = Promise.resolve();
  let busy = false;
  const tick = () => {
    if (busy || !deps.dataSource.isInitialized) return;
    busy = true;
    current = runRetention(deps, deps.clock())
      .then((report) => {
        if (report.expiredConsents.length > 0 || report.erased.length > 0) {
          deps.logger.info({ runId: report.runId, expiredConsents: report.expiredConsents.length, erased: report.erased.length }, "retention run");
        }
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, "retention run failed; it is retried on the next run"))
      .finally(() => {
        busy = false;
      });
  };
  const timer = setInterval(tick, intervalMinutes * 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
