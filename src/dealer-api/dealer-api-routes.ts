import { Router } from "express";
import type { AppDeps } from "../app-deps";
import { consentEventRoutes } from "./consent-event-routes";
import { customerAccessRoutes } from "./customer-access-routes";
import { pointOfSaleRoutes } from "./point-of-sale-routes";

/**
 * The dealer API of contract section 4 (audience `dealer-api`). Every route that reaches customer data
 * loads its inputs with `loadAccessInputs` and obeys `decideAccess`; nothing else reads customer rows
 * for a dealer.
 */
export function dealerApiRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(customerAccessRoutes(deps));
  router.use(pointOfSaleRoutes(deps));
  router.use(consentEventRoutes(deps));
  return router;
}
