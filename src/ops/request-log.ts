import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { safeRequest } from "./logger";

/**
 * One "request completed" line per request with what pino-http logged (request id, the request with
 * its query values stripped, status, response time), written directly: pino-http also built two child
 * loggers for every request, for a `req.log` nothing here uses, and logged every response header,
 * which helmet makes the same on every response. The two cost about a tenth of a dealer read.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    let logged = false;
    const complete = () => {
      if (logged) return;
      logged = true;
      if (!logger.isLevelEnabled("info")) return;
      const request = safeRequest({
        id: req.ctx.requestId, method: req.method, url: req.originalUrl, headers: req.headers, remoteAddress: req.socket.remoteAddress, remotePort: req.socket.remotePort,
      });
      const finished = res.writableFinished;
      logger.info(
        { reqId: req.ctx.requestId, req: request, res: { statusCode: res.statusCode }, responseTime: Date.now() - started },
        !finished ? "request aborted" : res.statusCode >= 500 ? "request errored" : "request completed",
      );
    };
    res.once("finish", complete);
    res.once("close", complete);
    next();
  };
}
