import { Router } from "express";
import type { AppDeps } from "../app-deps";

/** `/openapi.json` and the rendered reference at `/docs`. */
export function openapiRoutes(_deps: AppDeps): Router {
  return Router();
}
