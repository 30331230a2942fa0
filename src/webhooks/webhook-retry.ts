/** The first retry waits about this long; each further one twice as long, up to RETRY_CAP_MS. */
const RETRY_BASE_MS = 5_000;
const RETRY_CAP_MS = 60 * 60_000;

/**
 * When attempt `attempt` (1 for the first) has failed, how long until the next: exponential, capped at an
 * hour, with ±20 % jitter so that the deliveries of a receiver that came back do not all arrive at once.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_BASE_MS * 2 ** Math.min(attempt - 1, 20), RETRY_CAP_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}
