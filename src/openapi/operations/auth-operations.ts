import { z } from "zod";
import { loginSchema } from "../../auth/login-route";
import { errors, publicOperation, type Operation } from "../operation";
import { healthSchema, jwksSchema, oauthErrorSchema, readySchema, tokenSchema } from "../response-schemas";

/**
 * The token endpoint reads its form by hand, as RFC 6749 prescribes its errors; this is the form it reads.
 * Client authentication: HTTP Basic (client_secret_basic) or client_id and client_secret in this form
 * (client_secret_post), never both.
 */
const tokenRequestSchema = z.object({
  grant_type: z.literal("client_credentials"),
  client_id: z.string().optional().describe("client_secret_post only"),
  client_secret: z.string().optional().describe("client_secret_post only"),
  scope: z.string().optional().describe("Space-separated purpose:<id> scopes, a subset of those granted; all granted when absent"),
});

const ONE_TOKEN = "Cache-Control: no-store. Every issue and every refusal is audited (token.issue).";

export const AUTH_OPERATIONS: Operation[] = [
  publicOperation({
    method: "post", path: "/oauth/token", tag: "authentication", auth: "client",
    summary: "Issue a dealer access token (OAuth 2.0 client credentials)",
    description: `RFC 6749 section 4.4. The token's audience is dealer-api, it lives at most 15 minutes and its scope lists purpose:<id> for each purpose the dealer holds a live grant for. ${ONE_TOKEN}`,
    body: { schema: tokenRequestSchema, mediaType: "application/x-www-form-urlencoded", required: true },
    responses: {
      200: { description: "The access token", schema: tokenSchema, headers: ["Cache-Control", "RateLimit", "RateLimit-Policy"] },
      400: { description: "invalid_request, invalid_scope or unsupported_grant_type (RFC 6749 section 5.2)", schema: oauthErrorSchema },
      401: { description: "invalid_client: unknown client, wrong secret, revoked credential or suspended dealer", schema: oauthErrorSchema, headers: ["WWW-Authenticate"] },
    },
    errors: { ...errors(413, 429, 503), 413: ["payload_too_large", "bad_request"] },
  }),
  publicOperation({
    method: "post", path: "/v1/auth/login", tag: "authentication",
    summary: "Sign in as an admin user",
    description: "Exchanges username and password for an admin-api token whose scope lists the user's roles. Limited per client address, and per account: after a few wrong passwords in a row the account backs off (LOGIN_BACKOFF_* settings), answering the same 401 until the wait is over. Audited (auth.login).",
    body: { schema: loginSchema, required: true },
    responses: { 200: { description: "The access token", schema: tokenSchema, headers: ["Cache-Control", "RateLimit", "RateLimit-Policy"] } },
    errors: errors(401, 429, 503),
  }),
  publicOperation({
    method: "get", path: "/.well-known/jwks.json", tag: "authentication",
    summary: "The public keys that verify access tokens",
    description: "The current signing key first, then retired keys whose tokens may still be live. Match a token's kid.",
    responses: { 200: { description: "JSON Web Key Set (RFC 7517)", schema: jwksSchema, headers: ["Cache-Control"] } },
    errors: {},
  }),
  publicOperation({
    method: "get", path: "/healthz", tag: "operations", summary: "Liveness: the process is up",
    responses: { 200: { description: "Up", schema: healthSchema } }, errors: {},
  }),
  publicOperation({
    method: "get", path: "/readyz", tag: "operations", summary: "Readiness: the database is reachable and every migration applied",
    responses: { 200: { description: "Ready to serve", schema: readySchema } }, errors: errors(503),
  }),
  publicOperation({
    method: "get", path: "/metrics", tag: "operations", summary: "Prometheus metrics",
    description: "Request counts and durations by method, route pattern and status, plus the Node.js process metrics.",
    responses: { 200: { description: "Prometheus text exposition format", schema: z.string(), mediaType: "text/plain" } }, errors: {},
  }),
  publicOperation({
    method: "get", path: "/openapi.json", tag: "reference", summary: "This document (OpenAPI 3.1)",
    responses: { 200: { description: "The OpenAPI document", schema: z.record(z.string(), z.unknown()) } }, errors: {},
  }),
  publicOperation({
    method: "get", path: "/docs", tag: "reference", summary: "This document, rendered as browsable reference pages",
    responses: { 200: { description: "An HTML page", schema: z.string(), mediaType: "text/html" } }, errors: {},
  }),
];
