import type { z } from "zod";
import type { Role } from "../admin-users/admin-user.entity";

export type Method = "get" | "post" | "put" | "patch" | "delete";

/** Who may call: an admin-api bearer token, a dealer-api bearer token, dealer client credentials, or anyone. */
export type Auth = "admin" | "dealer" | "client" | "none";

export interface Content {
  schema?: z.ZodType;
  /** Default application/json. */
  mediaType?: string;
}

export interface Reply extends Content {
  description: string;
  /** Further representations of the same answer, chosen by the Accept header. */
  alternatives?: Record<string, { description: string }>;
  headers?: HeaderName[];
}

export type HeaderName = "Location" | "Idempotent-Replayed" | "Retry-After" | "WWW-Authenticate" | "RateLimit" | "RateLimit-Policy" | "Cache-Control" | "Content-Disposition";

export interface Parameter {
  schema: z.ZodType;
  description?: string;
}

/** One route of the gateway as the OpenAPI document describes it; `path` is in express form (`/v1/x/:id`). */
export interface Operation {
  method: Method;
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  roles?: Role[];
  params?: Record<string, Parameter>;
  /** The zod object the route validates its query string with. */
  query?: z.ZodType;
  /** Query parameters the route reads without a schema of its own (the dealer API's `purpose`). */
  extraQuery?: Record<string, Parameter & { required?: boolean }>;
  /** Request headers the route reads (the writes' Idempotency-Key). */
  requestHeaders?: Record<string, Parameter & { required?: boolean }>;
  body?: Content & { required?: boolean; description?: string };
  /** Successful answers, and RFC 6749 errors of the token endpoint. */
  responses: Record<number, Reply>;
  /** Problem+json answers: status → the `code`s it may carry. */
  errors: Partial<Record<number, string[]>>;
}

const DEFAULT_CODES: Record<number, string> = {
  400: "validation_failed", 401: "unauthorized", 403: "forbidden", 404: "not_found", 406: "not_acceptable", 409: "conflict",
  413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limited", 503: "unavailable",
};

/** `errors(400, 404)` → the default code of each status. */
export function errors(...statuses: number[]): Partial<Record<number, string[]>> {
  return Object.fromEntries(statuses.map((status) => [status, [DEFAULT_CODES[status] ?? "error"]]));
}

function merge(...maps: Partial<Record<number, string[]>>[]): Partial<Record<number, string[]>> {
  const merged: Partial<Record<number, string[]>> = {};
  for (const map of maps) {
    for (const [status, codes] of Object.entries(map)) merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...(codes ?? [])])];
  }
  return merged;
}

type Draft = Omit<Operation, "auth" | "errors"> & { errors?: Partial<Record<number, string[]>> };

/**
 * What every request with a body or a path id may meet: a 400 for bad input, a 413 for a body too
 * large, a 415 for a JSON route's body in another media type or charset.
 */
function inputErrors(draft: Draft): Partial<Record<number, string[]>> {
  const hasPathParam = /:[A-Za-z]/.test(draft.path);
  const jsonBody = draft.body && (draft.body.mediaType ?? "application/json") === "application/json";
  return merge(hasPathParam || draft.body || draft.query ? errors(400) : {}, jsonBody ? errors(413, 415) : {});
}

/**
 * An admin-API route: bearer token of audience admin-api, the roles named, audited and fail-closed;
 * an address refused too often for bad tokens gets 429.
 */
export function adminOperation(draft: Draft & { roles: Role[] }): Operation {
  return { ...draft, auth: "admin", errors: merge(errors(401, 403), inputErrors(draft), draft.errors ?? {}, errors(429, 503)) };
}

/** A dealer-API route: bearer token of audience dealer-api, rate limited per client, audited and fail-closed. */
export function dealerOperation(draft: Draft): Operation {
  return { ...draft, auth: "dealer", errors: merge(errors(401), inputErrors(draft), draft.errors ?? {}, errors(429, 503)) };
}

export function publicOperation(draft: Draft & { auth?: Auth }): Operation {
  return { ...draft, auth: draft.auth ?? "none", errors: merge(inputErrors(draft), draft.errors ?? {}) };
}
