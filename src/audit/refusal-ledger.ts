import { ipKeyGenerator } from "express-rate-limit";
import type { Logger } from "pino";
import type { AuditInput, AuditLog } from "./audit-log";

/** Distinct kinds of refusal held at once; past it the counts are written early, so memory stays bounded. */
const MAX_KINDS = 10_000;

export interface RefusalLedger extends AuditLog {
  /** Writes the counts held so far as one event per kind of refusal. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is held: on shutdown, once no request runs any more. */
  close(): Promise<void>;
}

interface Kind {
  /** The first refusal of its kind in this window; the aggregated event repeats its facts. */
  first: AuditInput;
  written: number;
  repeats: number;
  from?: string;
  to?: string;
  lastRequestId?: string;
}

/** Refusals alike when they come from the same address (an IPv6 /56), by the same actor, for the same action and reason. */
const kindOf = (input: AuditInput) =>
  JSON.stringify([ipKeyGenerator(input.ip), input.actorType, input.actorId, input.action, input.reason, input.status, input.dealerId, input.customerId, input.purpose]);

/**
 * Audits refusals (a bad bearer token, a failed client authentication, a rate limit) at a cost that a
 * flood cannot grow. In each window, the first `singly` refusals of a kind are written
 * one by one, and awaited, so a failing audit log still fails them closed (503); the rest are counted
 * in memory, and when the window closes (and on shutdown) one event per kind records their number,
 * first and last time and the last request id in `detail.repeated`. Allowed requests never pass here.
 */
export function refusalLedger(audit: AuditLog, options: { clock: () => Date; logger: Logger; singly: number; windowMs: number }): RefusalLedger {
  let kinds = new Map<string, Kind>();

  const aggregated = (kind: Kind): AuditInput => ({
    ...kind.first, requestId: kind.lastRequestId ?? kind.first.requestId, detail: { repeated: { count: kind.repeats, from: kind.from, to: kind.to } },
  });

  const flush = async () => {
    const closing = kinds;
    kinds = new Map();
    const counted = [...closing].filter(([, kind]) => kind.repeats > 0);
    await Promise.all(counted.map(async ([key, kind]) => {
      try {
        await audit.record(aggregated(kind));
      } catch (error) {
        options.logger.warn({ err: (error as Error).cause ?? error, action: kind.first.action, count: kind.repeats }, "refusal counts not written; kept for the next window");
        const current = kinds.get(key);
        if (!current) kinds.set(key, kind);
        else Object.assign(current, { repeats: current.repeats + kind.repeats, from: kind.from, to: current.to ?? kind.to, lastRequestId: current.lastRequestId ?? kind.lastRequestId });
      }
    }));
  };

  const timer = setInterval(() => void flush(), options.windowMs);
  timer.unref();

  return {
    async record(input, manager) {
      if (manager?.queryRunner) return audit.record(input, manager);
      const key = kindOf(input);
      let kind = kinds.get(key);
      if (!kind) {
        if (kinds.size >= MAX_KINDS) void flush();
        kind = { first: input, written: 0, repeats: 0 };
        kinds.set(key, kind);
      }
      if (kind.written < options.singly) {
        kind.written += 1;
        try {
          return await audit.record(input);
        } catch (error) {
          kind.written -= 1;
          throw error;
        }
      }
      const at = options.clock().toISOString();
      kind.repeats += 1;
      kind.from ??= at;
      kind.to = at;
      kind.lastRequestId = input.requestId;
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
