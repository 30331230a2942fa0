import type { Request } from "express";
import type { EntityManager } from "typeorm";
import type { AppDeps } from "../app-deps";
import type { Role } from "../admin-users/admin-user.entity";
import { auditedChange } from "../audit/audited-change";
import type { SecuredRouter } from "../auth/secured-router";
import { idParam } from "../http/params";
import { problems } from "../http/problem";
import { adminActor } from "../http/request-context";
import { parse } from "../http/validate";
import { findDealer, lockDealer } from "./dealer-queries";
import { insertCredential, newClientSecret } from "./dealer-writes";
import { credentialBody } from "./dealer-representation";
import { CLIENT_ID_PATTERN, createCredentialSchema } from "./dealer-schemas";
import { DealerCredentialEntity, type DealerCredential } from "./dealer.entity";

const CRM_ADMIN: [Role] = ["crm_admin"];

function clientIdParam(req: Request): string {
  const value = String(req.params.clientId);
  if (!CLIENT_ID_PATTERN.test(value)) throw problems.validation("Path parameter clientId must look like dlr_ followed by 24 hex digits", [{ path: "clientId", message: "is not a client id" }]);
  return value;
}

/** A credential of another dealer is reported as missing, like an unknown one. */
async function findCredential(manager: EntityManager, dealerId: string, clientId: string): Promise<DealerCredential> {
  const credential = await manager.findOneBy(DealerCredentialEntity, { clientId, dealerId });
  if (!credential) throw problems.notFound("No such credential for this dealer");
  return credential;
}

/** Dealer client credentials: several may be live at once so a dealer can rotate without downtime. */
export function registerCredentialRoutes(routes: SecuredRouter, deps: AppDeps): void {
  routes.post("/v1/admin/dealers/:id/credentials", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    parse(createCredentialSchema, req.body ?? {});
    const secret = await newClientSecret();
    const { clientId, clientSecret } = secret;
    const credential = await auditedChange(deps, req, (manager) => insertCredential(manager, dealerId, secret, adminActor(req).id, deps.clock()),
      () => ({ action: "credential.create", status: 201, dealerId, detail: { clientId } }));
    res.status(201)
      .location(`/v1/admin/dealers/${dealerId}/credentials/${clientId}`)
      .setHeader("Cache-Control", "no-store")
      .json({ clientId, clientSecret, createdAt: credential.createdAt });
  });

  routes.get("/v1/admin/dealers/:id/credentials", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    const manager = deps.dataSource.manager;
    await findDealer(manager, dealerId);
    const credentials = await manager.find(DealerCredentialEntity, { where: { dealerId }, order: { createdAt: "ASC", clientId: "ASC" } });
    res.json({ items: credentials.map(credentialBody) });
  });

  routes.get("/v1/admin/dealers/:id/credentials/:clientId", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    const clientId = clientIdParam(req);
    await findDealer(deps.dataSource.manager, dealerId);
    res.json(credentialBody(await findCredential(deps.dataSource.manager, dealerId, clientId)));
  });

  routes.delete("/v1/admin/dealers/:id/credentials/:clientId", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    const clientId = clientIdParam(req);
    await auditedChange(deps, req, async (manager) => {
      await lockDealer(manager, dealerId);
      const credential = await findCredential(manager, dealerId, clientId);
      if (credential.revokedAt) throw problems.conflict("The credential is already revoked");
      await manager.update(DealerCredentialEntity, { clientId }, { revokedAt: deps.clock().toISOString(), revokedBy: adminActor(req).id });
    }, () => ({ action: "credential.revoke", status: 204, dealerId, detail: { clientId } }));
    res.status(204).end();
  });
}
