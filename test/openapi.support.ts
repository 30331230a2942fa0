import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { Response } from "supertest";

type Json = Record<string, unknown>;

interface PathTemplate {
  template: string;
  pattern: RegExp;
  params: number;
}

const pointer = (...segments: string[]) => segments.map((segment) => segment.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/**
 * Checks real responses against the OpenAPI document: finds the operation by method and path, the
 * response by status (default only for 5xx), the media type by Content-Type, and validates the body
 * with the documented schema (JSON Schema 2020-12). Remembers which operation answered which status.
 */
export class ConformanceChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly templates: PathTemplate[];
  private readonly validators = new Map<string, ValidateFunction>();
  readonly seen = new Map<string, Set<number>>();
  readonly mismatches: string[] = [];

  constructor(private readonly document: Json) {
    addFormats.default(this.ajv);
    this.ajv.addSchema(document, "openapi.json");
    this.templates = Object.keys(document.paths as Json).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
      params: (template.match(/\{/g) ?? []).length,
    })).sort((a, b) => a.params - b.params);
  }

  /** The documented operation serving this method and path, as `GET /v1/x/{id}`; undefined when none does. */
  operationOf(method: string, path: string): string | undefined {
    const bare = path.split("?")[0]!;
    const paths = this.document.paths as Record<string, Json>;
    const match = this.templates.find((entry) => entry.pattern.test(bare) && paths[entry.template]![method.toLowerCase()]);
    return match ? `${method.toUpperCase()} ${match.template}` : undefined;
  }

  /** Problems with one response; none means it conforms. */
  check(method: string, path: string, status: number, contentType: string | undefined, body: unknown): string[] {
    const operation = this.operationOf(method, path);
    const where = `${method.toUpperCase()} ${path} → ${status}`;
    if (!operation) return [`${where}: no documented operation`];
    const template = operation.slice(operation.indexOf(" ") + 1);
    const responses = ((this.document.paths as Record<string, Json>)[template]![method.toLowerCase()] as Json).responses as Record<string, Json>;
    const key = responses[String(status)] ? String(status) : status >= 500 && responses.default ? "default" : undefined;
    if (!key) return [`${where}: status not documented for ${operation}`];
    this.seen.set(operation, (this.seen.get(operation) ?? new Set()).add(status));
    const content = responses[key]!.content as Record<string, Json> | undefined;
    if (!content) return status === 204 || body === undefined || body === "" || (typeof body === "object" && body !== null && Object.keys(body).length === 0) ? [] : [`${where}: a body where none is documented`];
    const mediaType = (contentType ?? "").split(";")[0]!.trim();
    if (!content[mediaType]) return [`${where}: media type ${mediaType || "(none)"} not documented (${Object.keys(content).join(", ")})`];
    const ref = `openapi.json#/${pointer("paths", template, method.toLowerCase(), "responses", key, "content", mediaType, "schema")}`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || "(body)"} ${error.message} ${JSON.stringify(error.params)}`);
  }

  /** Checks a supertest response, remembering any mismatch. */
  record(method: string, path: string, response: Response): Response {
    const isJson = /^application\/([\w.-]+\+)?json\b/.test(response.headers["content-type"] ?? "");
    const body = isJson ? response.body : response.text;
    this.mismatches.push(...this.check(method, path, response.status, response.headers["content-type"], body));
    return response;
  }
}
