import type { DataSource } from "typeorm";
import type { AdminActor } from "../http/request-context";
import { TokenRefused } from "../auth/token-refused";
import type { TokenClaims } from "../auth/tokens";
import { AdminUserEntity } from "./admin-user.entity";

/**
 * The admin behind a token with the roles held now, so a removed role or user stops working at once,
 * and a token issued before the user's last password change too (its generation is behind).
 */
export async function loadAdminActor(dataSource: DataSource, claims: TokenClaims): Promise<AdminActor> {
  if (typeof claims.gen !== "number") throw new TokenRefused("token_generation_missing");
  const user = await dataSource.getRepository(AdminUserEntity).findOneBy({ id: claims.sub });
  if (!user) throw new TokenRefused("user_unknown");
  if (user.tokenGeneration !== claims.gen) throw new TokenRefused("password_changed");
  if (user.roles.length === 0) throw new TokenRefused("user_without_roles");
  return { type: "admin", id: user.id, username: user.username, roles: user.roles };
}
