import { randomUUID } from "node:crypto";
import type { Request } from "express";
import { In, IsNull, type EntityManager } from "typeorm";
import type { AppDeps } from "../app-deps";
import type { Role } from "../admin-users/admin-user.entity";
import { auditedChange } from "../audit/audited-change";
import type { SecuredRouter } from "../auth/secured-router";
import { emitDealerEvents } from "../consents/dealer-events";
import { idParam } from "../http/params";
import { problems } from "../http/problem";
import { adminActor } from "../http/request-context";
import { parse } from "../http/validate";
import { findPurpose, listPurposes } from "../purposes/purpose-queries";
import type { Purpose } from "../purposes/purpose.entity";
import { findDealer, lockDealer } from "./dealer-queries";
import { grantBody, isLiveGrant } from "./dealer-representation";
import { DealerGrantEntity, type DealerGrant } from "./dealer.entity";
import { grantBodySchema, listGrantsQuery } from "./grant-schemas";

const CRM_ADMIN: [Role] = ["crm_admin"];

async function purposeParam(deps: AppDeps, req: Request): Promise<Purpose> {
  const purpose = await findPurpose(deps.dataSource, String(req.params.purpose));
  if (purpose) return purpose;
  const known = (await listPurposes(deps.dataSource)).map((p) => p.id).join(", ");
  throw problems.invalidPurpose(`The purpose must be one of: ${known}`);
}

/** Unrevoked rows for one purpose; an expired row stays unrevoked until a new grant supersedes it. */
function unrevokedGrants(manager: EntityManager, dealerId: string, purposeId: string): Promise<DealerGrant[]> {
  return manager.find(DealerGrantEntity, { where: { dealerId, purposeId, revokedAt: IsNull() } });
}

async function revoke(manager: EntityManager, grants: DealerGrant[], at: string, by: string): Promise<void> {
  if (grants.length === 0) return;
  await manager.update(DealerGrantEntity, { id: In(grants.map((grant) => grant.id)) }, { revokedAt: at, revokedBy: by });
}

/** Grants: which purposes a dealer may ask for, optionally narrowed to some of the purpose's fields. */
export function registerGrantRoutes(routes: SecuredRouter, deps: AppDeps): void {
  routes.put("/v1/admin/dealers/:id/grants/:purpose", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    const purpose = await purposeParam(deps, req);
    const now = deps.clock();
    const body = parse(grantBodySchema(purpose, now), req.body ?? {});
    const { grant, replaced } = await auditedChange(deps, req, async (manager) => {
      await lockDealer(manager, dealerId);
      const actorId = adminActor(req).id;
      // Replacing keeps the old row, revoked, so the grant's history stays complete.
      const previous = await unrevokedGrants(manager, dealerId, purpose.id);
      await revoke(manager, previous, now.toISOString(), actorId);
      const created: DealerGrant = {
        id: randomUUID(), dealerId, purposeId: purpose.id, fields: body.fields ?? null, write: body.write ?? false, expiresAt: body.expiresAt ?? null,
        grantedAt: now.toISOString(), grantedBy: actorId, revokedAt: null, revokedBy: null,
      };
      // A copy: on MySQL the insert writes the stored defaults back into the object it is given, untransformed.
      await manager.insert(DealerGrantEntity, { ...created });
      return { grant: created, replaced: previous.find((old) => isLiveGrant(old, now)) };
    }, ({ grant: created, replaced: old }) => ({
      action: "grant.put", status: old ? 200 : 201, dealerId, purpose: purpose.id, grantId: created.id,
      fields: created.fields ?? purpose.fields, detail: { replacedGrantId: old?.id ?? null, expiresAt: created.expiresAt, write: created.write },
    }));
    res.status(replaced ? 200 : 201).json(grantBody(grant, purpose, now));
  });

  routes.delete("/v1/admin/dealers/:id/grants/:purpose", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    const purpose = await purposeParam(deps, req);
    const now = deps.clock();
    await auditedChange(deps, req, async (manager) => {
      await lockDealer(manager, dealerId);
      const live = (await unrevokedGrants(manager, dealerId, purpose.id)).filter((grant) => isLiveGrant(grant, now));
      if (live.length === 0) throw problems.notFound("This dealer holds no live grant for the purpose");
      await revoke(manager, live, now.toISOString(), adminActor(req).id);
      await emitDealerEvents(manager, [{ dealerId, type: "grant.revoked", purpose: purpose.id }], now);
      return live[0]!;
    }, (revoked) => ({ action: "grant.revoke", status: 204, dealerId, purpose: purpose.id, grantId: revoked.id }));
    res.status(204).end();
  });

  routes.get("/v1/admin/dealers/:id/grants", CRM_ADMIN, async (req, res) => {
    const dealerId = idParam(req);
    const query = parse(listGrantsQuery, req.query, "query");
    const manager = deps.dataSource.manager;
    await findDealer(manager, dealerId);
    const now = deps.clock();
    const rows = await manager.find(DealerGrantEntity, {
      where: { dealerId, ...(query.include ? {} : { revokedAt: IsNull() }) },
      order: { purposeId: "ASC", grantedAt: "ASC", id: "ASC" },
    });
    const purposes = await listPurposes(deps.dataSource);
    const items = rows
      .filter((grant) => query.include || isLiveGrant(grant, now))
      .map((grant) => grantBody(grant, purposes.find((p) => p.id === grant.purposeId), now));
    res.json({ items });
  });
}
