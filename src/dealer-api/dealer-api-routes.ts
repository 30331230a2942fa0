import { Router } from "express";
import type { AppDeps } from "../app-deps";

/** The dealer API of contract section 4 (audience `dealer-api`). */
export function dealerApiRoutes(_deps: AppDeps): Router {
  return Router();
}
