import fs from "node:fs";
import path from "node:path";
import { createPrivateKey, createSecretKey, generateKeyPairSync, hkdfSync, type KeyObject } from "node:crypto";
import { noteSigner, verifierKey, type NoteSigner } from "./signed-note";

/** The audit log's identity: the Ed25519 key that signs events at write and checkpoints, under the log's origin. */
export interface AuditKey {
  origin: string;
  signer: NoteSigner;
  /** C2SP verifier key `<origin>+<key id>+<base64 key>`: what an auditor needs to check checkpoints and exports. */
  verifierKey: string;
  /** The key of the write batches' MAC (src/audit/audit-batch.ts), derived from the private key: whoever holds one holds the other. */
  batchMacKey: KeyObject;
}

const BATCH_MAC_KEY_INFO = "dealer-gateway/audit-batch-mac/v1";

export function auditKey(origin: string, privateKey: KeyObject): AuditKey {
  const signer = noteSigner(origin, privateKey);
  const secret = privateKey.export({ format: "der", type: "pkcs8" });
  const batchMacKey = createSecretKey(Buffer.from(hkdfSync("sha256", secret, "", BATCH_MAC_KEY_INFO, 32)));
  return { origin, signer, verifierKey: verifierKey(signer), batchMacKey };
}

/**
 * The audit signing key comes from AUDIT_SIGNING_KEY (PEM) in production, the same for every gateway
 * process of one log. Without it, a key is generated into the data directory on first start. It is a
 * key of its own, not the token key: rotating one must not touch the other.
 */
export function loadAuditKey(options: { privateKeyPem?: string; dataDir: string; origin: string }): AuditKey {
  let pem = options.privateKeyPem?.replace(/\\n/g, "\n");
  if (!pem) {
    const file = path.join(options.dataDir, "audit-signing-key.pem");
    if (!fs.existsSync(file)) {
      fs.mkdirSync(options.dataDir, { recursive: true });
      const { privateKey } = generateKeyPairSync("ed25519");
      fs.writeFileSync(file, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
    }
    pem = fs.readFileSync(file, "utf8");
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("AUDIT_SIGNING_KEY must be an Ed25519 key");
  return auditKey(options.origin, privateKey);
}

export function generateAuditKey(origin = "dealer-gateway/audit-log"): AuditKey {
  return auditKey(origin, generateKeyPairSync("ed25519").privateKey);
}
