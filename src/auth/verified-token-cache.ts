import { createHash } from "node:crypto";
import type { TokenClaims } from "./tokens";

/** jsonwebtoken's `maxAge` on verification: a token older than this is refused whatever its `exp`. */
const MAX_TOKEN_AGE_SECONDS = 86_400;

/**
 * Tokens whose signature and claims were verified, so that the same token on the next request skips
 * the ECDSA check. Only the signature check is saved: the credential, dealer or user behind the token
 * is still read on every request. An entry lives until the token expires and no longer; keys are
 * SHA-256 hashes, so the bearer tokens themselves are not kept. When full, the oldest entry goes.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { claims: TokenClaims; until: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(token: string): string {
    return createHash("sha256").update(token).digest("base64url");
  }

  get(token: string): TokenClaims | undefined {
    const key = VerifiedTokenCache.key(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() >= entry.until) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.claims;
  }

  /** Remembers claims that have just passed verification; a token without `exp` is never cached. */
  set(token: string, claims: TokenClaims): void {
    if (typeof claims.exp !== "number") return;
    const until = Math.min(claims.exp, (claims.iat ?? 0) + MAX_TOKEN_AGE_SECONDS) * 1000;
    if (this.now() >= until) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(VerifiedTokenCache.key(token), { claims, until });
  }

  get size(): number {
    return this.entries.size;
  }
}
