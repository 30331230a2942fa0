import { Router } from "express";
import type { AppDeps } from "../app-deps";

/** The admin and compliance console, served at `/console` as static files. */
export function consoleRoutes(_deps: AppDeps): Router {
  return Router();
}
