import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import type { NextFunction, Request, Response } from "express";
import type { Role } from "../admin-users/admin-user.entity";

export interface AdminActor {
  type: "admin";
  id: string;
  username: string;
  roles: Role[];
}

export interface DealerActor {
  type: "dealer";
  /** The credential's client id: the dealer's actor id in the audit log. */
  id: string;
  dealerId: string;
  scopes: string[];
  /**
   * Whether authentication re-read the credential and dealer. When false, the route's access-input
   * query reads them and its decision refuses a revoked credential or a suspended dealer.
   */
  credentialChecked: boolean;
}

export type Actor = AdminActor | DealerActor;

export interface RequestContext {
  requestId: string;
  ip: string;
  actor?: Actor;
}

declare module "express-serve-static-core" {
  interface Request {
    ctx: RequestContext;
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The caller's address as `trust proxy` resolves it, when it is an address: proxy-addr hands back
 * whatever text an X-Forwarded-For entry holds, which then would reach the logs and the audit log.
 */
function clientAddress(req: Request): string {
  const resolved = req.ip;
  if (resolved && isIP(resolved)) return resolved;
  return (req.socket.remoteAddress ?? "unknown").slice(0, 64);
}

/** Adopts a caller's X-Request-Id only when it is short and plain, so it can never smuggle headers or log lines. */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const offered = req.get("x-request-id");
  const requestId = offered && SAFE_REQUEST_ID.test(offered) ? offered : randomUUID();
  req.ctx = { requestId, ip: clientAddress(req) };
  res.setHeader("X-Request-Id", requestId);
  next();
}

export function adminActor(req: Request): AdminActor {
  const actor = req.ctx.actor;
  if (actor?.type !== "admin") throw new Error("route reached without an authenticated admin");
  return actor;
}

export function dealerActor(req: Request): DealerActor {
  const actor = req.ctx.actor;
  if (actor?.type !== "dealer") throw new Error("route reached without an authenticated dealer");
  return actor;
}
