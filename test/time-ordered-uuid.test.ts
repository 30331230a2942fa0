import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { generateAuditKey } from "../src/audit/audit-key";
import { createAuditLog } from "../src/audit/audit-log";
import { timeOrderedUuid } from "../src/db/time-ordered-uuid";
import { useMigratedDatabase } from "./support/migrated-database";

const millisecondsOf = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);

describe("time-ordered UUIDs", () => {
  it("when one is made, then it is an RFC 9562 version 7 UUID that every id check of the API accepts", () => {
    const id = timeOrderedUuid(Date.UTC(2026, 10, 30, 12, 0, 0, 123));
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(millisecondsOf(id)).toBe(Date.UTC(2026, 10, 30, 12, 0, 0, 123));
  });

  it("when ids are made in later milliseconds, then they sort after the earlier ones, as text and so in an index", () => {
    const start = Date.UTC(2026, 0, 1);
    const ids = Array.from({ length: 1000 }, (_, i) => timeOrderedUuid(start + i * 7));
    expect([...ids].sort()).toEqual(ids);
    // A random UUID of the same moment could land anywhere: what these ids are for.
    expect(ids.map(millisecondsOf)).toEqual(ids.map((_, i) => start + i * 7));
  });

  it("when many are made in one millisecond, across refills of the random pool, then all differ", () => {
    const now = Date.now();
    const ids = Array.from({ length: 5000 }, () => timeOrderedUuid(now));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("audit ids in time order", () => {
  const opened = useMigratedDatabase();

  it("when events are written, then they and their signed batches get time-ordered ids of the moment they were written", async () => {
    const log = createAuditLog(opened.dataSource, () => new Date("2020-01-01T00:00:00.000Z"), generateAuditKey());
    const before = Date.now();
    for (let i = 0; i < 3; i++) {
      await log.record({ actorType: "system", actorId: "test", action: "test.ordered", decision: "allow", status: 200, requestId: randomUUID(), ip: "127.0.0.1" });
    }
    const after = Date.now();
    const events: { id: string }[] = await opened.dataSource.query("SELECT id FROM audit_events ORDER BY seq");
    const batches: { batch_id: string }[] = await opened.dataSource.query("SELECT batch_id FROM audit_batches");
    const ids = [...events.map((event) => event.id), ...batches.map((batch) => batch.batch_id)];
    expect(ids).toHaveLength(6);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
      // The id's time is the machine's, not the audit clock's: it orders the index, it does not date the event.
      expect(millisecondsOf(id)).toBeGreaterThanOrEqual(before);
      expect(millisecondsOf(id)).toBeLessThanOrEqual(after);
    }
  });
});
