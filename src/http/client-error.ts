import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import { AppError, PROBLEM_CONTENT_TYPE, problemBody } from "./problem";

/** Node's parser codes for what it refuses before express sees a request, with the status each deserves. */
function problemFor(code: string | undefined): AppError {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return new AppError(431, "headers_too_large", "Request Header Fields Too Large", "The request headers are too large");
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return new AppError(408, "request_timeout", "Request Timeout", "The request took too long to arrive");
    default:
      return new AppError(400, "bad_request", "Bad Request", "The request is not valid HTTP/1.1");
  }
}

/**
 * `clientError` listener: a request the HTTP parser refuses (CR/LF in a header, an oversized header,
 * request smuggling, garbage) still gets a problem+json answer, then the connection is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === "ECONNRESET" || !socket.writable || busy) {
    socket.destroy();
    return;
  }
  const problem = problemFor(error.code);
  const requestId = randomUUID();
  const body = JSON.stringify(problemBody(problem, requestId));
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\n` +
      "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + body,
  );
}
