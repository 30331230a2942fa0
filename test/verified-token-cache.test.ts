import { describe, expect, it } from "vitest";
import type { TokenClaims } from "../src/auth/tokens";
import { VerifiedTokenCache } from "../src/auth/verified-token-cache";

/** The signature check a verified token skips on its next request lasts until the token expires, no longer. */
const NOW = Date.parse("2026-06-01T10:00:00.000Z");
const seconds = (ms: number) => Math.floor(ms / 1000);
const claims = (ttlSeconds: number, iat = seconds(NOW)): TokenClaims => ({ sub: "dlr_client", scope: "purpose:service_delivery", iat, exp: iat + ttlSeconds });

describe("VerifiedTokenCache", () => {
  it("when a verified token is asked for again before it expires, then its claims come back", () => {
    const cache = new VerifiedTokenCache(10, () => NOW);
    const verified = claims(600);
    cache.set("token-a", verified);
    expect(cache.get("token-a")).toBe(verified);
    expect(cache.get("token-b")).toBeUndefined();
  });

  it("when the token's exp has passed, then the cache no longer answers for it and drops it", () => {
    let now = NOW;
    const cache = new VerifiedTokenCache(10, () => now);
    cache.set("token-a", claims(600));
    now = NOW + 599_000;
    expect(cache.get("token-a")).toBeDefined();
    now = NOW + 600_000;
    expect(cache.get("token-a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("when a token is older than the one-day maximum age, then the cache stops at that age even if exp is later", () => {
    let now = NOW;
    const cache = new VerifiedTokenCache(10, () => now);
    cache.set("token-a", claims(3 * 86_400));
    now = NOW + 86_400_000;
    expect(cache.get("token-a")).toBeUndefined();
  });

  it("when claims have no exp, or have expired already, then nothing is cached", () => {
    const cache = new VerifiedTokenCache(10, () => NOW);
    cache.set("no-exp", { sub: "dlr_client", scope: "", iat: seconds(NOW) });
    cache.set("expired", claims(60, seconds(NOW) - 120));
    expect(cache.size).toBe(0);
  });

  it("when the cache is full, then the oldest entry makes room and the size stays bounded", () => {
    const cache = new VerifiedTokenCache(3, () => NOW);
    for (const token of ["t1", "t2", "t3", "t4"]) cache.set(token, claims(600));
    expect(cache.size).toBe(3);
    expect(cache.get("t1")).toBeUndefined();
    expect(cache.get("t4")).toBeDefined();
  });
});
