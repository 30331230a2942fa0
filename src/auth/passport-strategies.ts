import jwt from "jsonwebtoken";
import passport from "passport";
import { ExtractJwt, Strategy as JwtStrategy, type SecretOrKeyProvider } from "passport-jwt";
import type { DataSource } from "typeorm";
import type { Actor } from "../http/request-context";
import { loadAdminActor } from "../admin-users/admin-user-queries";
import { loadDealerActor } from "../dealers/dealer-queries";
import { TokenRefused } from "./token-refused";
import { TOKEN_ALGORITHM, type SigningKeys } from "./signing-keys";
import { ADMIN_AUDIENCE, DEALER_AUDIENCE, TOKEN_TYPE, type Audience, type TokenClaims } from "./tokens";

export const DEALER_STRATEGY = "dealer-jwt";
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
 * Checks jsonwebtoken leaves open: it accepts a token without `exp`, and one whose `aud` is a list
 * merely containing ours, which would make a single token good for both APIs.
 */
function claimsRefusal(claims: TokenClaims, audience: Audience): TokenRefused | undefined {
  if (claims.aud !== audience) return new TokenRefused("token_audience_wrong");
  if (typeof claims.exp !== "number") return new TokenRefused("token_expiry_missing");
  return undefined;
}

function strategy(keys: SigningKeys, issuer: string, audience: Audience, load: (claims: TokenClaims) => Promise<Actor>): JwtStrategy {
  return new JwtStrategy(
    {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: keyProvider(keys),
      algorithms: [TOKEN_ALGORITHM],
      issuer,
      audience,
      jsonWebTokenOptions: { clockTolerance: 5, maxAge: "1d" },
    },
    (claims: TokenClaims, done: (error: unknown, actor?: Actor | false, info?: unknown) => void) => {
      const refusal = claimsRefusal(claims, audience);
      if (refusal) return done(null, false, refusal);
      load(claims).then(
        (actor) => done(null, actor),
        (error: unknown) => (error instanceof TokenRefused ? done(null, false, error) : done(error)),
      );
    },
  );
}

/**
 * Every request re-reads the credential, dealer or user behind the token, so a revocation or a
 * suspension bites on the very next request on every gateway process.
 */
export function registerStrategies(dataSource: DataSource, keys: SigningKeys, issuer: string): passport.PassportStatic {
  const instance = new passport.Passport();
  instance.use(DEALER_STRATEGY, strategy(keys, issuer, DEALER_AUDIENCE, (claims) => loadDealerActor(dataSource, claims)));
  instance.use(ADMIN_STRATEGY, strategy(keys, issuer, ADMIN_AUDIENCE, (claims) => loadAdminActor(dataSource, claims)));
  return instance as unknown as passport.PassportStatic;
}
