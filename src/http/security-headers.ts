import type { RequestHandler } from "express";

/**
 * Nothing the gateway answers may be kept by a browser or a shared cache unless a route says so
 * (the JWKS does): customer records, audit exports and errors naming ids all pass through here.
 */
export const noStoreByDefault: RequestHandler = (_req, res, next) => {
  res.setHeader("Cache-Control", "no-store");
  next();
};
