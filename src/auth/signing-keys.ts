import fs from "node:fs";
import path from "node:path";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

export const TOKEN_ALGORITHM = "ES256";

export interface VerificationKey {
  kid: string;
  key: KeyObject;
}

export interface SigningKeys {
  kid: string;
  privateKey: KeyObject;
  /** The current key first, then retired keys still accepted until their tokens expire. */
  verification: VerificationKey[];
}

/** RFC 7638 thumbprint: a stable kid derived from the key itself. */
function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: "jwk" });
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash("sha256").update(canonical).digest("base64url");
}

function assertEs256(key: KeyObject, origin: string): void {
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new Error(`${origin} must be an EC P-256 key (ES256)`);
  }
}

function splitPems(pems: string): string[] {
  return pems.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
}

/**
 * The signing key comes from JWT_PRIVATE_KEY (PEM) in production. Without it, a key is generated into
 * the data directory on first start so a development gateway keeps its tokens valid across restarts.
 */
export function loadSigningKeys(options: { privateKeyPem?: string; previousPublicKeys?: string; dataDir: string }): SigningKeys {
  let pem = options.privateKeyPem?.replace(/\\n/g, "\n");
  if (!pem) {
    const file = path.join(options.dataDir, "jwt-signing-key.pem");
    if (!fs.existsSync(file)) {
      fs.mkdirSync(options.dataDir, { recursive: true });
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
      fs.writeFileSync(file, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
    }
    pem = fs.readFileSync(file, "utf8");
  }
  const privateKey = createPrivateKey(pem);
  assertEs256(privateKey, "JWT_PRIVATE_KEY");
  const publicKey = createPublicKey(privateKey);
  // The kid is always the key's thumbprint, so a retired key keeps the kid its tokens carry.
  const kid = thumbprint(publicKey);
  const retired = splitPems(options.previousPublicKeys?.replace(/\\n/g, "\n") ?? "").map((previous) => {
    const key = createPublicKey(previous);
    assertEs256(key, "JWT_PREVIOUS_PUBLIC_KEYS");
    return { kid: thumbprint(key), key };
  });
  return { kid, privateKey, verification: [{ kid, key: publicKey }, ...retired] };
}

export function generateSigningKeys(): SigningKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const kid = thumbprint(publicKey);
  return { kid, privateKey, verification: [{ kid, key: publicKey }] };
}

export function jwks(keys: SigningKeys): { keys: Record<string, unknown>[] } {
  return {
    keys: keys.verification.map(({ kid, key }) => ({ ...key.export({ format: "jwk" }), kid, alg: TOKEN_ALGORITHM, use: "sig" })),
  };
}
