import type { IncomingHttpHeaders } from "node:http";
import type { Request, RequestHandler } from "express";
import type { Logger } from "pino";
import { routeTemplate } from "../http/route-template";

/** A media type as RFC 9110 spells one; anything else in Content-Type (parameters included) stays out of the log. */
const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]{1,64}\/[A-Za-z0-9!#$&^_.+-]{1,64}$/;

/**
 * The only request headers logged, each reduced to a value that cannot carry personal data: the body's
 * media type without its parameters, and its length.
 */
function loggedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const logged: Record<string, string> = {};
  const mediaType = headers["content-type"]?.split(";")[0]!.trim();
  if (mediaType) logged["content-type"] = MEDIA_TYPE.test(mediaType) ? mediaType.toLowerCase() : "[other]";
  const length = headers["content-length"];
  if (length && /^\d{1,12}$/.test(length)) logged["content-length"] = length;
  return logged;
}

/** What a request line says about the request: its route template (never the path or query as sent), ids and the allowed headers. */
function loggedRequest(req: Request): Record<string, unknown> {
  return { method: req.method, route: routeTemplate(req) ?? "unmatched", headers: loggedHeaders(req.headers), remoteAddress: req.ctx.ip };
}

/**
 * One "request completed" line per request: request id, actor id, the request as `loggedRequest` puts
 * it, status and response time. Paths and query strings hold e-mail addresses, names and phone
 * numbers (a lookup typed into the wrong place, a probe), and headers hold whatever a caller sends,
 * so neither is written as received.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    let logged = false;
    const complete = () => {
      if (logged) return;
      logged = true;
      if (!logger.isLevelEnabled("info")) return;
      const finished = res.writableFinished;
      logger.info(
        { reqId: req.ctx.requestId, actorId: req.ctx.actor?.id, req: loggedRequest(req), res: { statusCode: res.statusCode }, responseTime: Date.now() - started },
        !finished ? "request aborted" : res.statusCode >= 500 ? "request errored" : "request completed",
      );
    };
    res.once("finish", complete);
    res.once("close", complete);
    next();
  };
}
