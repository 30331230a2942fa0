import { randomBytes, randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { hashSecret } from "../auth/password";
import { lockDealer } from "./dealer-queries";
import { DealerCredentialEntity, DealerEntity, type Dealer, type DealerCredential, type TransferSafeguard } from "./dealer.entity";

/** Dealer writes shared by the admin API and the CLI, each inside the caller's audited transaction. */
export async function createDealer(manager: EntityManager, input: { name: string; country: string; transferSafeguard?: TransferSafeguard }, now: Date): Promise<Dealer> {
  const at = now.toISOString();
  const created: Dealer = {
    id: randomUUID(), name: input.name, country: input.country, transferSafeguard: input.transferSafeguard ?? null,
    status: "active", createdAt: at, updatedAt: at,
  };
  await manager.insert(DealerEntity, created);
  return created;
}

export interface NewClientSecret {
  clientId: string;
  clientSecret: string;
  secretHash: string;
}

/** A fresh client id and secret with its slow hash, computed before any transaction opens. */
export async function newClientSecret(): Promise<NewClientSecret> {
  const clientId = `dlr_${randomBytes(12).toString("hex")}`;
  const clientSecret = randomBytes(32).toString("base64url");
  return { clientId, clientSecret, secretHash: await hashSecret(clientSecret) };
}

/** Stores a credential for a dealer, locking the dealer row; only the secret's hash is kept. */
export async function insertCredential(manager: EntityManager, dealerId: string, secret: NewClientSecret, createdBy: string, now: Date): Promise<DealerCredential> {
  await lockDealer(manager, dealerId);
  const created: DealerCredential = {
    clientId: secret.clientId, dealerId, secretHash: secret.secretHash, createdAt: now.toISOString(), createdBy, revokedAt: null, revokedBy: null,
  };
  await manager.insert(DealerCredentialEntity, created);
  return created;
}
