import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

/**
 * C2SP signed-note with Ed25519 signatures (https://c2sp.org/signed-note), the format of transparency
 * log checkpoints (https://c2sp.org/tlog-checkpoint), so that standard witnesses and verifiers can read
 * the gateway's checkpoints.
 */

const ED25519 = 0x01;
const SIGNATURE_PREFIX = "\u2014 ";
/** The DER header of a PKCS#8 Ed25519 private key and of an SPKI Ed25519 public key, before the 32 key bytes. */
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519 = Buffer.from("302a300506032b6570032100", "hex");

export interface NoteSigner {
  name: string;
  keyId: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

function assertKeyName(name: string): void {
  if (!name || /[\s+]/u.test(name)) throw new Error("a note key name must be non-empty, without spaces or '+'");
}

function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "spki" }).subarray(SPKI_ED25519.length);
}

/** First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key). */
export function noteKeyId(name: string, publicKey: KeyObject): Buffer {
  return createHash("sha256").update(name, "utf8").update(Buffer.of(0x0a, ED25519)).update(rawPublicKey(publicKey)).digest().subarray(0, 4);
}

export function noteSigner(name: string, privateKey: KeyObject): NoteSigner {
  assertKeyName(name);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("the note key must be an Ed25519 key");
  const publicKey = createPublicKey(privateKey);
  return { name, keyId: noteKeyId(name, publicKey), privateKey, publicKey };
}

/** An Ed25519 private key from its 32-byte seed. */
export function ed25519FromSeed(seed: Buffer): KeyObject {
  if (seed.length !== 32) throw new Error("an Ed25519 seed has 32 bytes");
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });
}

/** `<name>+<hex key id>+<base64(0x01 || public key)>`. */
export function verifierKey(signer: Pick<NoteSigner, "name" | "keyId" | "publicKey">): string {
  return `${signer.name}+${signer.keyId.toString("hex")}+${Buffer.concat([Buffer.of(ED25519), rawPublicKey(signer.publicKey)]).toString("base64")}`;
}

export function parseVerifierKey(text: string): NoteVerifier {
  const match = /^([^\s+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(text);
  if (!match) throw new Error("malformed verifier key");
  const [, name, hexId, encoded] = match as unknown as [string, string, string, string];
  const material = Buffer.from(encoded, "base64");
  if (material.toString("base64") !== encoded || material.length !== 33 || material[0] !== ED25519) throw new Error("unsupported verifier key");
  const publicKey = createPublicKey({ key: Buffer.concat([SPKI_ED25519, material.subarray(1)]), format: "der", type: "spki" });
  const keyId = noteKeyId(name, publicKey);
  if (keyId.toString("hex") !== hexId) throw new Error("verifier key id does not match its key");
  return { name, keyId, publicKey };
}

/** The text followed by a blank line and one signature line. The text must end with a newline. */
export function signNote(text: string, signer: NoteSigner): string {
  if (!text.endsWith("\n") || text.includes("\r")) throw new Error("a note's text ends with a newline and has no carriage returns");
  const signature = sign(null, Buffer.from(text, "utf8"), signer.privateKey);
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([signer.keyId, signature]).toString("base64")}\n`;
}

/** The note's text when one of its signature lines is a valid signature by `verifier`; null otherwise. */
export function openNote(note: string, verifier: NoteVerifier): string | null {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) return null;
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  const message = Buffer.from(text, "utf8");
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return null;
    const [name, encoded, extra] = line.slice(SIGNATURE_PREFIX.length).split(" ");
    if (extra !== undefined || !name || !encoded) return null;
    const blob = Buffer.from(encoded, "base64");
    if (name !== verifier.name || blob.length !== 68 || !blob.subarray(0, 4).equals(verifier.keyId)) continue;
    if (verify(null, message, verifier.publicKey, blob.subarray(4))) return text;
  }
  return null;
}

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
}

/** C2SP tlog-checkpoint body: origin, decimal tree size, base64 root hash, each on its own line. */
export function checkpointText(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.treeSize}\n${checkpoint.rootHash.toString("base64")}\n`;
}

export function parseCheckpointText(text: string): Checkpoint | null {
  const match = /^([^\n]+)\n(0|[1-9][0-9]{0,15})\n([A-Za-z0-9+/]{43}=)\n/.exec(text);
  if (!match) return null;
  const treeSize = Number(match[2]);
  if (!Number.isSafeInteger(treeSize)) return null;
  return { origin: match[1]!, treeSize, rootHash: Buffer.from(match[3]!, "base64") };
}
