import { randomUUID } from "node:crypto";
import jwt, { type JwtPayload } from "jsonwebtoken";
import { TOKEN_ALGORITHM, type SigningKeys } from "./signing-keys";

export const DEALER_AUDIENCE = "dealer-api";
export const ADMIN_AUDIENCE = "admin-api";
export type Audience = typeof DEALER_AUDIENCE | typeof ADMIN_AUDIENCE;

/** RFC 9068 access-token type; a JWT of any other type (an ID token, say) is refused. */
export const TOKEN_TYPE = "at+jwt";

/** The scope a dealer token carries for each purpose granted at issue time. */
export const purposeScope = (purposeId: string) => `purpose:${purposeId}`;
/** Carried besides the purpose's own scope when the grant also allows writing (contract 4.1). */
export const writeScope = (purposeId: string) => `purpose:${purposeId}:write`;

export interface IssuedToken {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
}

export interface TokenClaims extends JwtPayload {
  sub: string;
  scope: string;
  /** The dealer a dealer token acts for. */
  dealer_id?: string;
  /** An admin token: its user's token generation when issued (`AdminUser.tokenGeneration`). */
  gen?: number;
}

export function issueToken(
  keys: SigningKeys,
  issuer: string,
  audience: Audience,
  claims: { sub: string; scope: string; dealer_id?: string; gen?: number },
  ttlSeconds: number,
): IssuedToken {
  const accessToken = jwt.sign(claims, keys.privateKey, {
    algorithm: TOKEN_ALGORITHM,
    keyid: keys.kid,
    header: { alg: TOKEN_ALGORITHM, typ: TOKEN_TYPE, kid: keys.kid },
    issuer,
    audience,
    expiresIn: ttlSeconds,
    notBefore: 0,
    jwtid: randomUUID(),
  });
  return { access_token: accessToken, token_type: "Bearer", expires_in: ttlSeconds, scope: claims.scope };
}
