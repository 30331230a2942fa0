import type { Request } from "express";
import jwt from "jsonwebtoken";
import passport from "passport";
import { ExtractJwt, Strategy as JwtStrategy, type SecretOrKeyProvider } from "passport-jwt";
import type { DataSource } from "typeorm";
import type { Config } from "../config";
import type { Actor } from "../http/request-context";
import { loadAdminActor } from "../admin-users/admin-user-queries";
import { dealerTokenActor, loadDealerActor } from "../dealers/dealer-queries";
import { TokenRefused } from "./token-refused";
import { TOKEN_ALGORITHM, type SigningKeys } from "./signing-keys";
import { ADMIN_AUDIENCE, DEALER_AUDIENCE, TOKEN_TYPE, type Audience, type TokenClaims } from "./tokens";
import { VerifiedTokenCache } from "./verified-token-cache";

export const DEALER_STRATEGY = "dealer-jwt";
/** A dealer token verified, its credential and dealer left to the route's access-input query (see `dealerTokenActor`). */
export const DEALER_TOKEN_STRATEGY = "dealer-jwt-token-only";
export const ADMIN_STRATEGY = "admin-jwt";

function keyProvider(keys: SigningKeys): SecretOrKeyProvider {
  return (_req, rawToken, done) => {
    const decoded = jwt.decode(String(rawToken), { complete: true });
    if (!decoded || typeof decoded.payload === "string") return done(new TokenRefused("token_malformed"));
    if (decoded.header.typ !== TOKEN_TYPE) return done(new TokenRefused("token_type_wrong"));
    // The algorithm is pinned before any key is chosen, so `none` or HS256 over the public key never reach verification.
    if (decoded.header.alg !== TOKEN_ALGORITHM) return done(new TokenRefused("token_algorithm_wrong"));
    const match = keys.verification.find((candidate) => candidate.kid === decoded.header.kid);
    if (!match) return done(new TokenRefused("token_key_unknown"));
    // passport-jwt hands the key straight to jsonwebtoken, which verifies fastest with a KeyObject.
    done(null, match.key as unknown as string);
  };
}

/**
 * Checks jsonwebtoken leaves open: it accepts a token without `exp`, one whose `aud` is a list merely
 * containing ours, which would make a single token good for both APIs, and one that lives longer than
 * this gateway issues them for (a signing bug or a leaked key must not yield a ten-year token).
 */
function claimsRefusal(claims: TokenClaims, audience: Audience, maxLifetimeSeconds: number): TokenRefused | undefined {
  if (claims.aud !== audience) return new TokenRefused("token_audience_wrong");
  if (typeof claims.exp !== "number") return new TokenRefused("token_expiry_missing");
  if (typeof claims.iat !== "number") return new TokenRefused("token_issued_at_missing");
  if (claims.exp - claims.iat > maxLifetimeSeconds) return new TokenRefused("token_lifetime_too_long");
  return undefined;
}

type Done = (error: unknown, actor?: Actor | false, info?: unknown) => void;
const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * passport-jwt's strategy, skipping the signature check for a token this strategy verified before and
 * that has not expired yet (VerifiedTokenCache). Everything after the signature check (claims, and the
 * load of the actor's current state) runs on every request either way.
 */
class CachingJwtStrategy extends JwtStrategy {
  constructor(
    options: ConstructorParameters<typeof JwtStrategy>[0],
    private readonly verified: VerifiedTokenCache,
    private readonly checkClaims: (claims: TokenClaims, done: Done) => void,
  ) {
    super(options, (req: Request, claims: TokenClaims, done: Done) => {
      const token = bearerToken(req);
      this.checkClaims(claims, (error, actor, info) => {
        if (actor && token) this.verified.set(token, claims);
        done(error, actor, info);
      });
    });
  }

  /**
   * For a token verified before: its claims checked and its actor loaded, with `done` called as
   * passport calls a custom callback (error; or null and the actor; or null, false and the refusal).
   * False, and `done` never called, when the token is not in the cache.
   */
  fromCache(req: Request, done: Done): boolean {
    const token = bearerToken(req);
    const claims = token ? this.verified.get(token) : undefined;
    if (!claims) return false;
    this.checkClaims(claims, done);
    return true;
  }

  override authenticate(req: Request, options?: object): void {
    // passport calls authenticate on an object it derived from the strategy and gave these three.
    const self = this as unknown as { success(actor: Actor, info?: unknown): void; fail(info: unknown): void; error(error: unknown): void };
    const cached = this.fromCache(req, (error, actor, info) => (error ? self.error(error) : actor ? self.success(actor, info) : self.fail(info)));
    if (!cached) super.authenticate(req, options);
  }
}

const cachingStrategies = new WeakMap<object, Map<string, CachingJwtStrategy>>();

/**
 * The bearer check of a token verified before, without passport's per-request machinery (it derives
 * a strategy object and its callbacks on every request): same outcome, same callback. Undefined for a
 * strategy that does not cache.
 */
export function verifiedTokenCheck(instance: passport.PassportStatic, strategyName: string): ((req: Request, done: Done) => boolean) | undefined {
  const strategy = cachingStrategies.get(instance)?.get(strategyName);
  return strategy ? (req, done) => strategy.fromCache(req, done) : undefined;
}

interface TokenRules {
  issuer: string;
  audience: Audience;
  /** The longest `exp - iat` accepted: the TTL this gateway issues the audience's tokens with. */
  maxLifetimeSeconds: number;
}

function strategy(keys: SigningKeys, rules: TokenRules, load: (claims: TokenClaims) => Promise<Actor>): CachingJwtStrategy {
  const { issuer, audience } = rules;
  const checkClaims = (claims: TokenClaims, done: Done) => {
    const refusal = claimsRefusal(claims, audience, rules.maxLifetimeSeconds);
    if (refusal) return done(null, false, refusal);
    load(claims).then(
      (actor) => done(null, actor),
      (error: unknown) => (error instanceof TokenRefused ? done(null, false, error) : done(error)),
    );
  };
  return new CachingJwtStrategy(
    {
      jwtFromRequest: bearerToken,
      secretOrKeyProvider: keyProvider(keys),
      algorithms: [TOKEN_ALGORITHM],
      issuer,
      audience,
      jsonWebTokenOptions: { clockTolerance: 5, maxAge: "1d" },
      passReqToCallback: true,
    },
    new VerifiedTokenCache(),
    checkClaims,
  );
}

/**
 * Every request re-reads the credential, dealer or user behind the token, so a revocation or a
 * suspension bites on the very next request on every gateway process: in the strategy, or, with
 * DEALER_TOKEN_STRATEGY, in the route's own access-input query.
 */
export function registerStrategies(
  dataSource: DataSource,
  keys: SigningKeys,
  config: Pick<Config, "JWT_ISSUER" | "DEALER_TOKEN_TTL_SECONDS" | "ADMIN_TOKEN_TTL_SECONDS">,
): passport.PassportStatic {
  const dealer: TokenRules = { issuer: config.JWT_ISSUER, audience: DEALER_AUDIENCE, maxLifetimeSeconds: config.DEALER_TOKEN_TTL_SECONDS };
  const admin: TokenRules = { issuer: config.JWT_ISSUER, audience: ADMIN_AUDIENCE, maxLifetimeSeconds: config.ADMIN_TOKEN_TTL_SECONDS };
  const instance = new passport.Passport();
  const strategies = new Map<string, CachingJwtStrategy>([
    [DEALER_STRATEGY, strategy(keys, dealer, (claims) => loadDealerActor(dataSource, claims))],
    [DEALER_TOKEN_STRATEGY, strategy(keys, dealer, async (claims) => dealerTokenActor(claims))],
    [ADMIN_STRATEGY, strategy(keys, admin, (claims) => loadAdminActor(dataSource, claims))],
  ]);
  for (const [name, jwtStrategy] of strategies) instance.use(name, jwtStrategy);
  cachingStrategies.set(instance, strategies);
  return instance as unknown as passport.PassportStatic;
}
