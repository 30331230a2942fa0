import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { problems } from "./problem";

const JSON_TYPES = ["application/json"];

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * A body the JSON API would not parse must not be silently ignored: a form or text body sent to a route
 * whose body is optional (suspend, erase, ...) would otherwise run the action as if no body had been
 * sent. Anything but JSON in UTF-8 is a 415. Routes with a media type of their own (the NDJSON import)
 * are left to check it themselves, after authentication.
 */
export function requireBodyMediaType(ownMediaType: string[] = []): RequestHandler {
  return (req, _res, next) => {
    if (!hasBody(req) || ownMediaType.includes(req.path)) return next();
    const [mediaType = "", ...parameters] = (req.get("content-type") ?? "").split(";").map((part) => part.trim().toLowerCase());
    if (!JSON_TYPES.includes(mediaType)) return next(problems.unsupportedMediaType("Send the body as application/json"));
    const charset = parameters.find((parameter) => parameter.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
    if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") return next(problems.unsupportedMediaType("Only UTF-8 request bodies are accepted"));
    next();
  };
}

/** `verify` hook of the body parsers: bytes that are not UTF-8 are refused rather than decoded into U+FFFD and stored. */
export function requireUtf8(_req: IncomingMessage, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw problems.validation("The body is not valid UTF-8");
}
