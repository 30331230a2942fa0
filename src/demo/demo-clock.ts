/**
 * The demo gateway's clock. It starts weeks in the past, so that what the seeding does through the API
 * is audited, signed and integrated by the gateway's own writer at those past times, and is then moved
 * forward, day by day, to the present. It never goes back: audit times follow the log's order.
 */
export class DemoClock {
  private offsetMs: number;

  constructor(start: Date) {
    this.offsetMs = start.getTime() - Date.now();
  }

  read = (): Date => new Date(Date.now() + this.offsetMs);

  moveTo(at: Date): void {
    this.offsetMs = Math.max(this.offsetMs, at.getTime() - Date.now());
  }
}
