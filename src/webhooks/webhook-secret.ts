import fs from "node:fs";
import path from "node:path";
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

/**
 * Webhook signing secrets. HMAC needs the raw secret at every delivery, so it cannot be hashed like a
 * client secret; it is sealed with AES-256-GCM under the gateway's webhook key instead, so a copy of
 * the database alone does not let anyone forge deliveries.
 */
export interface WebhookKey {
  seal(secret: string): string;
  open(sealed: string): string;
}

const KEY_FILE = "webhook-secret.key";
const VERSION = "v1";

/** `whsec_` + base64 of 24 random bytes, the Standard Webhooks secret format. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export function webhookKey(key: Buffer): WebhookKey {
  if (key.length !== 32) throw new Error("WEBHOOK_SECRET_KEY must be base64 of 32 bytes");
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
      return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), sealed.toString("base64")].join(".");
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split(".");
      if (version !== VERSION || !iv || !tag || data === undefined) throw new Error("webhook secret in an unknown format");
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
    },
  };
}

/**
 * WEBHOOK_SECRET_KEY in production, the same for every gateway process; without it a key is generated
 * into the data directory on first start (exclusively, so processes sharing the directory agree).
 */
export function loadWebhookKey(options: { keyBase64?: string; dataDir: string }): WebhookKey {
  if (options.keyBase64) return webhookKey(Buffer.from(options.keyBase64, "base64"));
  const file = path.join(options.dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return webhookKey(Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64"));
}

/** The Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret's decoded bytes. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}
