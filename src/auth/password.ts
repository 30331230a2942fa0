import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";

const PARAMS = { N: 16384, r: 8, p: 1, keyLength: 32 };

function scrypt(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(secret, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** A slow salted hash (scrypt), self-describing so parameters can be raised later. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, PARAMS.keyLength, { N: PARAMS.N, r: PARAMS.r, p: PARAMS.p });
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, expected] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !expected) return false;
  const expectedKey = Buffer.from(expected, "base64url");
  const key = await scrypt(secret, Buffer.from(salt, "base64url"), expectedKey.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(key, expectedKey);
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so an unknown user or client cannot be told apart by timing. */
export async function burnVerification(secret: string): Promise<false> {
  dummyHash ??= hashSecret("no-such-account");
  await verifySecret(secret, await dummyHash);
  return false;
}
