import { apiJson } from "../api/http";
import { startSession } from "./session-store";
import { tokenClaims } from "./token-claims";

interface TokenResponse {
  access_token: string;
  expires_in: number;
}

/** `POST /v1/auth/login`, the same endpoint every admin client uses. */
export async function signIn(username: string, password: string): Promise<void> {
  const token = await apiJson<TokenResponse>("POST", "/v1/auth/login", { username, password });
  const { roles, expiresAt } = tokenClaims(token.access_token);
  startSession({ token: token.access_token, username, roles, expiresAt: Math.min(expiresAt, Date.now() + token.expires_in * 1000) });
}
