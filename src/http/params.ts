import type { Request } from "express";
import { z } from "zod";
import { problems } from "./problem";

const uuid = z.uuid();

/** A path parameter that must be a gateway UUID; anything else is a 400 that says so. */
export function idParam(req: Request, name = "id"): string {
  const value = req.params[name];
  if (!uuid.safeParse(value).success) throw problems.validation(`Path parameter ${name} must be a UUID`, [{ path: name, message: "must be a UUID" }]);
  return String(value).toLowerCase();
}
