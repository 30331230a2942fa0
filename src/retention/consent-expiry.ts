import { IsNull, type EntityManager } from "typeorm";
import { ConsentPurposeEntity } from "../consents/consent.entity";
import { emitDealerEvents } from "../consents/dealer-events";
import { retentionEvent, type RetentionDeps, type RunContext } from "./retention-context";

export interface ExpiredConsent {
  consentId: string;
  purpose: string;
  customerId: string;
  dealerId: string;
  expiresAt: string;
}

interface Row {
  consent_id: string;
  purpose_id: string;
  customer_id: string;
  dealer_id: string;
  expires_at: string;
}

const PAGE = 500;

/** Expired, never withdrawn, not yet announced: keyset-paged on (expires_at, consent_id, purpose_id). */
async function unannounced(deps: RetentionDeps, now: Date, after: Row | undefined): Promise<Row[]> {
  const params: unknown[] = [now.toISOString()];
  let sql = `SELECT consent_id, purpose_id, customer_id, dealer_id, expires_at FROM consent_purposes
    WHERE expiry_announced_at IS NULL AND withdrawn_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?`;
  if (after) {
    sql += " AND (expires_at > ? OR (expires_at = ? AND (consent_id > ? OR (consent_id = ? AND purpose_id > ?))))";
    params.push(after.expires_at, after.expires_at, after.consent_id, after.consent_id, after.purpose_id);
  }
  return deps.dataSource.query(`${sql} ORDER BY expires_at, consent_id, purpose_id LIMIT ${PAGE}`, params);
}

/**
 * Marks one expiry announced, tells the dealer and audits it, in one transaction. The conditional update
 * makes it happen once, whichever process gets there first, and not at all once the purpose is withdrawn.
 */
async function announce(manager: EntityManager, deps: RetentionDeps, run: RunContext, row: Row): Promise<boolean> {
  const marked = await manager.update(
    ConsentPurposeEntity,
    { consentId: row.consent_id, purposeId: row.purpose_id, expiryAnnouncedAt: IsNull(), withdrawnAt: IsNull() },
    { expiryAnnouncedAt: run.now.toISOString() },
  );
  if (marked.affected !== 1) return false;
  await emitDealerEvents(manager, [{ dealerId: row.dealer_id, type: "consent.expired", customerId: row.customer_id, purpose: row.purpose_id }], run.now);
  await deps.audit.record(retentionEvent(run, {
    action: "retention.consent_expired", dealerId: row.dealer_id, customerId: row.customer_id, consentId: row.consent_id, purpose: row.purpose_id,
    detail: { expiresAt: row.expires_at },
  }), manager);
  return true;
}

/** Policy P9 and contract section 4: each consent purpose past its expiry gives its dealer one `consent.expired` event. */
export async function announceExpiredConsents(deps: RetentionDeps, run: RunContext, dryRun: boolean): Promise<ExpiredConsent[]> {
  const announced: ExpiredConsent[] = [];
  let after: Row | undefined;
  for (;;) {
    const rows = await unannounced(deps, run.now, after);
    for (const row of rows) {
      const done = dryRun || (await deps.dataSource.transaction((manager) => announce(manager, deps, run, row)));
      if (done) announced.push({ consentId: row.consent_id, purpose: row.purpose_id, customerId: row.customer_id, dealerId: row.dealer_id, expiresAt: row.expires_at });
    }
    if (rows.length < PAGE) return announced;
    after = rows[rows.length - 1];
  }
}
