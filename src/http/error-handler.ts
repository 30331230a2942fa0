import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { isDatabaseUnavailable, isUniqueViolation } from "../db/db-errors";
import { AppError, PROBLEM_CONTENT_TYPE, problemBody, problems } from "./problem";

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** Maps what express and body-parser throw on bad input to problems; anything else is a 500 without internals. */
function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isUniqueViolation(error)) return problems.conflict("A record with the same unique value already exists");
  if (isDatabaseUnavailable(error)) return problems.unavailable("The database is unavailable; retry shortly");
  // The router's decoding of a path parameter such as %C3%28 (its message quotes the raw value, so it is not reused).
  if (error instanceof URIError) return problems.validation("The path holds a malformed percent-encoding");
  const parserError = error as BodyParserError;
  switch (parserError?.type) {
    case "entity.parse.failed":
      return problems.validation("The body is not valid JSON");
    case "entity.too.large":
      return problems.tooLarge();
    case "encoding.unsupported":
    case "charset.unsupported":
      return problems.unsupportedMediaType("Only UTF-8 request bodies are accepted");
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
      return problems.validation("The request body could not be read");
  }
  if (parserError?.status && parserError.status >= 400 && parserError.status < 500 && parserError.expose) {
    return new AppError(parserError.status, "bad_request", "Bad request", "The request could not be understood");
  }
  return undefined;
}

export function sendProblem(res: Parameters<RequestHandler>[1], error: AppError, requestId: string): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemBody(error, requestId)));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const requestId = req.ctx?.requestId ?? "unknown";
    const known = toAppError(error);
    if (res.headersSent) {
      logger.error({ requestId, err: error }, "error after response started");
      res.destroy();
      return;
    }
    if (known) {
      if (known.status >= 500) logger.warn({ requestId, err: (error as Error).cause ?? error }, known.code);
      sendProblem(res, known, requestId);
      return;
    }
    logger.error({ requestId, err: error }, "unhandled error");
    sendProblem(res, new AppError(500, "internal_error", "Internal error", "Something went wrong; quote the request id when reporting it"), requestId);
  };
}

export const notFoundHandler: RequestHandler = (req) => {
  throw problems.notFound(`No route for ${req.method} ${req.path.slice(0, 200)}`);
};
