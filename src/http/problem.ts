/** An expected failure with its RFC 9457 problem+json shape; thrown anywhere, rendered by the error handler. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

export const problems = {
  validation: (detail: string, errors?: FieldIssue[]) =>
    new AppError(400, "validation_failed", "Request is not valid", detail, errors ? { errors } : {}),
  invalidPurpose: (detail: string) => new AppError(400, "invalid_purpose", "Purpose missing or unknown", detail),
  unauthorized: (detail = "A valid bearer token is required") =>
    new AppError(401, "unauthorized", "Not authenticated", detail, {}, { "WWW-Authenticate": 'Bearer realm="dealer-gateway"' }),
  forbidden: (detail = "Your roles do not allow this action") => new AppError(403, "forbidden", "Forbidden", detail),
  purposeNotGranted: () => new AppError(403, "purpose_not_granted", "Purpose not granted", "This dealer holds no live grant for the purpose"),
  transferSafeguardMissing: () =>
    new AppError(403, "transfer_safeguard_missing", "Transfer safeguard missing", "No transfer safeguard is on file for this dealer's country"),
  writeNotGranted: () => new AppError(403, "write_not_granted", "Write not granted", "This dealer's record_accuracy grant does not allow writing, or the token was issued without purpose:record_accuracy:write"),
  idempotencyKeyReused: () =>
    new AppError(422, "idempotency_key_reused", "Idempotency key reused", "This Idempotency-Key was used within the last 24 hours for another request; use a new key for a new write"),
  recordLimitReached: (detail: string) => new AppError(409, "record_limit_reached", "Record limit reached", detail),
  notFound: (detail = "The resource does not exist or is not available to you") => new AppError(404, "not_found", "Not found", detail),
  conflict: (detail: string) => new AppError(409, "conflict", "Conflict", detail),
  tooLarge: (detail = "The request body is too large") => new AppError(413, "payload_too_large", "Payload too large", detail),
  unsupportedMediaType: (detail: string) => new AppError(415, "unsupported_media_type", "Unsupported media type", detail),
  notAcceptable: (detail: string) => new AppError(406, "not_acceptable", "Not acceptable", detail),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError(429, "rate_limited", "Too many requests", "Slow down and retry later", {}, { "Retry-After": String(retryAfterSeconds) }),
  unavailable: (detail = "The service cannot complete this request right now") => new AppError(503, "unavailable", "Service unavailable", detail),
  methodNotAllowed: () => new AppError(405, "method_not_allowed", "Method not allowed", "This path does not accept that method"),
};

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export function problemBody(error: AppError, requestId: string): Record<string, unknown> {
  return {
    type: `/problems/${error.code}`,
    title: error.title,
    status: error.status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    ...error.extra,
    requestId,
  };
}
