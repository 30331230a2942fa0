import type { Request, Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../app-deps";
import type { Role } from "../admin-users/admin-user.entity";
import { auditedChange } from "../audit/audited-change";
import { securedRouter, type SecuredRouter } from "../auth/secured-router";
import { idParam } from "../http/params";
import { problems } from "../http/problem";
import { parse } from "../http/validate";
import { registerCredentialRoutes } from "./credential-routes";
import { findDealer, lockDealer } from "./dealer-queries";
import { dealerBody } from "./dealer-representation";
import { listDealers } from "./dealer-list";
import { createDealerSchema, listDealersQuery, updateDealerSchema } from "./dealer-schemas";
import { DealerEntity, type Dealer, type DealerStatus } from "./dealer.entity";
import { createDealer } from "./dealer-writes";
import { registerGrantRoutes } from "./grant-routes";

const CRM_ADMIN: [Role] = ["crm_admin"];
/** Suspend and reinstate take no input; an empty JSON object is accepted too. */
export const statusChangeBody = z.strictObject({});

const STATUS_CHANGES = {
  suspend: { to: "suspended", action: "dealer.suspend" },
  reinstate: { to: "active", action: "dealer.reinstate" },
} as const satisfies Record<string, { to: DealerStatus; action: string }>;

/** Suspending or reinstating twice is refused with 409, so every recorded change is a real one. */
async function changeStatus(deps: AppDeps, req: Request, change: (typeof STATUS_CHANGES)[keyof typeof STATUS_CHANGES]): Promise<Dealer> {
  const id = idParam(req);
  parse(statusChangeBody, req.body ?? {});
  return auditedChange(deps, req, async (manager) => {
    const dealer = await lockDealer(manager, id);
    if (dealer.status === change.to) throw problems.conflict(`The dealer is already ${change.to}`);
    const changes = { status: change.to, updatedAt: deps.clock().toISOString() };
    await manager.update(DealerEntity, { id }, changes);
    return { ...dealer, ...changes };
  }, () => ({ action: change.action, dealerId: id, detail: { status: change.to } }));
}

function registerDealerRoutes(routes: SecuredRouter, deps: AppDeps): void {
  routes.post("/v1/admin/dealers", CRM_ADMIN, async (req, res) => {
    const body = parse(createDealerSchema, req.body);
    const dealer = await auditedChange(deps, req, (manager) => createDealer(manager, body, deps.clock()), (created) => ({
      action: "dealer.create", status: 201, dealerId: created.id,
      detail: { country: created.country, transferSafeguard: created.transferSafeguard },
    }));
    res.status(201).location(`/v1/admin/dealers/${dealer.id}`).json(dealerBody(dealer));
  });

  routes.get("/v1/admin/dealers", CRM_ADMIN, async (req, res) => {
    const query = parse(listDealersQuery, req.query, "query");
    const page = await listDealers(deps.dataSource, query);
    res.json({ items: page.items.map(dealerBody), nextCursor: page.nextCursor });
  });

  routes.get("/v1/admin/dealers/:id", CRM_ADMIN, async (req, res) => {
    res.json(dealerBody(await findDealer(deps.dataSource.manager, idParam(req))));
  });

  routes.patch("/v1/admin/dealers/:id", CRM_ADMIN, async (req, res) => {
    const id = idParam(req);
    const body = parse(updateDealerSchema, req.body);
    const dealer = await auditedChange(deps, req, async (manager) => {
      const existing = await lockDealer(manager, id);
      const changes = { ...body, updatedAt: deps.clock().toISOString() };
      await manager.update(DealerEntity, { id }, changes);
      return { ...existing, ...changes };
    }, (updated) => ({ action: "dealer.update", dealerId: id, detail: { changed: Object.keys(body), transferSafeguard: updated.transferSafeguard } }));
    res.json(dealerBody(dealer));
  });

  for (const [verb, change] of Object.entries(STATUS_CHANGES)) {
    routes.post(`/v1/admin/dealers/:id/${verb}`, CRM_ADMIN, async (req, res) => {
      res.json(dealerBody(await changeStatus(deps, req, change)));
    });
  }
}

/** The dealer part of the admin API (`crm_admin`): dealers, their credentials and their grants. */
export function dealerRoutes(deps: AppDeps): Router {
  const routes = securedRouter(deps.authenticateAdmin);
  registerDealerRoutes(routes, deps);
  registerCredentialRoutes(routes, deps);
  registerGrantRoutes(routes, deps);
  return routes.router;
}
