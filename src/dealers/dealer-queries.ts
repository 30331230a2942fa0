import type { DataSource, EntityManager } from "typeorm";
import { isMysql } from "../db/dialect";
import { problems } from "../http/problem";
import type { DealerActor } from "../http/request-context";
import { burnVerification, verifySecret } from "../auth/password";
import { TokenRefused } from "../auth/token-refused";
import type { TokenClaims } from "../auth/tokens";
import { DealerEntity, type Dealer } from "./dealer.entity";

interface CredentialState {
  client_id: string;
  dealer_id: string;
  revoked_at: string | null;
  status: string;
}

const CREDENTIAL_STATE_SQL =
  "SELECT c.client_id, c.dealer_id, c.revoked_at, d.status FROM dealer_credentials c JOIN dealers d ON d.id = c.dealer_id WHERE c.client_id = ?";

/**
 * The row of exactly this client id: MySQL's collations would also return it for another letter case
 * or with trailing spaces (PAD SPACE, even utf8mb4_bin on MariaDB).
 */
function credentialRow<T extends { client_id: string }>(rows: T[], clientId: string): T | undefined {
  return rows.find((row) => row.client_id === clientId);
}

/** Why a token of this client, acting for this dealer, is refused now; undefined when it may act. */
async function credentialRefusal(dataSource: DataSource, clientId: string, dealerId: unknown): Promise<TokenRefused | undefined> {
  const rows: CredentialState[] = await dataSource.query(CREDENTIAL_STATE_SQL, [clientId]);
  const row = credentialRow(rows, clientId);
  if (!row || row.dealer_id !== dealerId) return new TokenRefused("credential_unknown");
  if (row.revoked_at) return new TokenRefused("credential_revoked");
  if (row.status !== "active") return new TokenRefused("dealer_suspended");
  return undefined;
}

/** The dealer behind a token, as it stands now: a revoked credential or a suspended dealer is refused. */
export async function loadDealerActor(dataSource: DataSource, claims: TokenClaims): Promise<DealerActor> {
  const refusal = await credentialRefusal(dataSource, claims.sub, claims.dealer_id);
  if (refusal) throw refusal;
  return { ...dealerTokenActor(claims), credentialChecked: true };
}

/**
 * The dealer a verified token names, WITHOUT reading the credential and dealer: only for routes whose
 * access-input query reads them on the same request and whose decision refuses a revoked credential
 * or a suspended dealer with the same 401 (see `loadAccessInputs`).
 */
export function dealerTokenActor(claims: TokenClaims): DealerActor {
  if (typeof claims.dealer_id !== "string" || claims.dealer_id === "") throw new TokenRefused("credential_unknown");
  return { type: "dealer", id: claims.sub, dealerId: claims.dealer_id, scopes: claims.scope.split(" ").filter(Boolean), credentialChecked: false };
}

/** For a request whose credential was not read at authentication: why it is refused now, if it is. */
export async function dealerActorRefusal(dataSource: DataSource, actor: DealerActor): Promise<TokenRefused | undefined> {
  return actor.credentialChecked ? undefined : credentialRefusal(dataSource, actor.id, actor.dealerId);
}

interface ClientRow extends CredentialState {
  client_id: string;
  secret_hash: string;
}

/**
 * Checks a dealer client's secret; unknown clients cost the same time as known ones. The client id
 * returned, and named by a refusal, is the credential's as stored, never the caller's spelling of it:
 * tokens, limits and the audit log key on it.
 */
export async function verifyDealerClient(dataSource: DataSource, clientId: string, secret: string): Promise<{ clientId: string; dealerId: string }> {
  const rows: ClientRow[] = await dataSource.query(
    "SELECT c.client_id, c.dealer_id, c.revoked_at, c.secret_hash, d.status FROM dealer_credentials c JOIN dealers d ON d.id = c.dealer_id WHERE c.client_id = ?",
    [clientId],
  );
  const row = credentialRow(rows, clientId);
  if (!row) throw new TokenRefused(await burnVerification(secret) || "credential_unknown");
  if (!(await verifySecret(secret, row.secret_hash))) throw new TokenRefused("secret_wrong", row.client_id);
  if (row.revoked_at) throw new TokenRefused("credential_revoked", row.client_id);
  if (row.status !== "active") throw new TokenRefused("dealer_suspended", row.client_id);
  return { clientId: row.client_id, dealerId: row.dealer_id };
}

/** The purposes a dealer holds a live grant for, and whether each grant allows writing. */
export async function liveGrantPurposes(dataSource: DataSource, dealerId: string, now: Date): Promise<{ purpose: string; write: boolean }[]> {
  const rows: { purpose_id: string; allows_write: number | string }[] = await dataSource.query(
    "SELECT purpose_id, allows_write FROM dealer_grants WHERE dealer_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) ORDER BY purpose_id",
    [dealerId, now.toISOString()],
  );
  return rows.map((row) => ({ purpose: row.purpose_id, write: Number(row.allows_write) === 1 }));
}

/**
 * The dealer, locked for the rest of the transaction on MySQL so concurrent changes to one dealer
 * (a grant replaced twice at once, say) run one after the other; SQLite already serialises writers.
 */
export async function lockDealer(manager: EntityManager, id: string): Promise<Dealer> {
  const dealer = await manager.findOne(DealerEntity, { where: { id }, ...(isMysql(manager.connection) ? { lock: { mode: "pessimistic_write" as const } } : {}) });
  if (!dealer) throw problems.notFound("No such dealer");
  return dealer;
}

export async function findDealer(manager: EntityManager, id: string): Promise<Dealer> {
  const dealer = await manager.findOneBy(DealerEntity, { id });
  if (!dealer) throw problems.notFound("No such dealer");
  return dealer;
}
