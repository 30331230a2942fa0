import { z } from "zod";
import { PACKAGE } from "../project-root";
import { customerInputSchema } from "../customers/customer-input";
import { CUSTOMER_BODY_EXAMPLES, EXAMPLE_OF } from "./examples";
import { HEADERS, NAMED_SCHEMAS, SECURITY_SCHEMES, TAGS } from "./components";
import { jsonSchemaOf, type JsonSchema } from "./json-schema";
import type { Operation, Parameter, Reply } from "./operation";
import { OPERATIONS } from "./operations";
import { openapiPath } from "./route-table";
import { CLIENT_ID_PATTERN } from "../dealers/dealer-schemas";

const SCHEMA_REF = "#/components/schemas/";
const PROBLEM_JSON = "application/problem+json";

/** Path parameters by name, unless an operation describes its own. */
const PATH_PARAMETERS: Record<string, Parameter> = {
  id: { schema: z.uuid(), description: "A gateway UUID" },
  clientId: { schema: z.string().regex(CLIENT_ID_PATTERN), description: "A client id: dlr_ followed by 24 hex digits" },
  purpose: { schema: z.string().max(64), description: "A purpose id from GET /v1/purposes" },
};

/** Every answer's schema in one pass, so named ones are referenced rather than repeated. */
function replySchemas(operations: Operation[]): { components: Record<string, JsonSchema>; inline: Map<z.ZodType, JsonSchema> } {
  const registry = z.registry<{ id: string }>();
  const named = new Set<string>();
  for (const [id, schema] of NAMED_SCHEMAS) {
    registry.add(schema, { id });
    named.add(id);
  }
  const anonymous = new Map<z.ZodType, string>();
  for (const operation of operations) {
    for (const reply of Object.values(operation.responses)) {
      if (reply.schema && !registry.has(reply.schema)) {
        const id = `Inline${anonymous.size}`;
        anonymous.set(reply.schema, id);
        registry.add(reply.schema, { id });
      }
    }
  }
  const generated = z.toJSONSchema(registry, {
    target: "draft-2020-12", io: "output", unrepresentable: "any", uri: (id) => SCHEMA_REF + id,
    override: (ctx) => {
      const def = ctx.zodSchema._zod.def as { type: string; in?: z.ZodType; out?: { _zod: { def: { type: string } } } };
      if (def.type === "pipe" && def.out?._zod.def.type === "transform" && def.in) {
        for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonSchema)[key];
        Object.assign(ctx.jsonSchema, jsonSchemaOf(def.in, "output"));
      }
    },
  }) as { schemas: Record<string, JsonSchema> };
  const clean = (schema: JsonSchema): JsonSchema => {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    return rest;
  };
  const components: Record<string, JsonSchema> = {};
  const schemaById = new Map(NAMED_SCHEMAS);
  for (const id of named) components[id] = withExample(clean(generated.schemas[id]!), schemaById.get(id)!);
  const inline = new Map<z.ZodType, JsonSchema>();
  for (const [schema, id] of anonymous) inline.set(schema, clean(generated.schemas[id]!));
  return { components, inline };
}

const headerRefs = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

function operationId(operation: Operation): string {
  const words = operation.path.split("/").filter(Boolean).map((segment) => {
    const plain = segment.replace(/^:/, "by-").replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ? next.toUpperCase() : ""));
    return plain.charAt(0).toUpperCase() + plain.slice(1);
  });
  return operation.method + words.join("");
}

function parameters(operation: Operation): JsonSchema[] {
  const inPath = [...operation.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
  const list: JsonSchema[] = inPath.map((name) => {
    const parameter = operation.params?.[name] ?? PATH_PARAMETERS[name];
    if (!parameter) throw new Error(`no description of path parameter ${name} of ${operation.path}`);
    return { name, in: "path", required: true, description: parameter.description, schema: jsonSchemaOf(parameter.schema, "input") };
  });
  const query = operation.query ? jsonSchemaOf(operation.query, "input") : { properties: {} };
  const properties = (query.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((query.required ?? []) as string[]);
  const names = new Set([...Object.keys(properties), ...Object.keys(operation.extraQuery ?? {})]);
  for (const name of names) {
    const extra = operation.extraQuery?.[name];
    const schema = extra ? jsonSchemaOf(extra.schema, "input") : properties[name]!;
    const { description, ...rest } = schema;
    list.push({
      name, in: "query", required: extra?.required ?? required.has(name), ...(extra?.description || description ? { description: extra?.description ?? description } : {}),
      schema: rest,
    });
  }
  for (const [name, header] of Object.entries(operation.requestHeaders ?? {})) {
    const { description, ...schema } = jsonSchemaOf(header.schema, "input");
    list.push({ name, in: "header", required: header.required ?? false, description: header.description ?? description, schema });
  }
  return list;
}

/** The schema with its realistic example (src/openapi/examples.ts), where it has one. */
function withExample(json: JsonSchema, schema: z.ZodType): JsonSchema {
  return EXAMPLE_OF.has(schema) ? { ...json, examples: [EXAMPLE_OF.get(schema)] } : json;
}

function requestBody(operation: Operation): JsonSchema | undefined {
  if (!operation.body) return undefined;
  const mediaType = operation.body.mediaType ?? "application/json";
  const { schema } = operation.body;
  // Swagger UI's "Try it out" starts from the media type's example(s), so they are given there too.
  const examples = schema === customerInputSchema ? { examples: CUSTOMER_BODY_EXAMPLES } : schema && EXAMPLE_OF.has(schema) ? { example: EXAMPLE_OF.get(schema) } : {};
  return {
    required: operation.body.required ?? true,
    ...(operation.body.description ? { description: operation.body.description } : {}),
    content: { [mediaType]: { schema: schema ? withExample(jsonSchemaOf(schema, "input"), schema) : {}, ...examples } },
  };
}

function successResponse(status: number, reply: Reply, schemaOf: (schema: z.ZodType) => JsonSchema): JsonSchema {
  const headers = headerRefs(["X-Request-Id", ...(reply.headers ?? [])]);
  if (!reply.schema) return { description: reply.description, headers };
  const content: Record<string, JsonSchema> = { [reply.mediaType ?? "application/json"]: { schema: schemaOf(reply.schema) } };
  for (const [mediaType, alternative] of Object.entries(reply.alternatives ?? {})) {
    content[mediaType] = { schema: { type: "string", description: alternative.description } };
  }
  return { description: reply.description, headers, content };
}

function problemResponse(status: number, codes: string[]): JsonSchema {
  const extraHeaders = status === 401 ? ["WWW-Authenticate"] : status === 429 ? ["Retry-After", "RateLimit", "RateLimit-Policy"] : [];
  return {
    description: `Problem: ${codes.join(", ")}`,
    headers: headerRefs(["X-Request-Id", ...extraHeaders]),
    content: {
      [PROBLEM_JSON]: {
        schema: { allOf: [{ $ref: `${SCHEMA_REF}Problem` }, { properties: { status: { const: status }, code: { enum: codes } } }] },
      },
    },
  };
}

function security(operation: Operation): JsonSchema[] {
  switch (operation.auth) {
    case "admin":
      return [{ adminBearer: [] }];
    case "dealer":
      return [{ dealerBearer: [] }, { dealerClientCredentials: [] }];
    case "client":
      return [{ clientSecretBasic: [] }, {}];
    case "none":
      return [];
  }
}

function describeOperation(operation: Operation, schemaOf: (schema: z.ZodType) => JsonSchema): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  const statuses = [...new Set([...Object.keys(operation.responses), ...Object.keys(operation.errors)].map(Number))].sort((a, b) => a - b);
  for (const status of statuses) {
    const reply = operation.responses[status];
    responses[String(status)] = reply ? successResponse(status, reply, schemaOf) : problemResponse(status, operation.errors[status]!);
  }
  responses.default = {
    description: "Unexpected failure: 500 internal_error",
    headers: headerRefs(["X-Request-Id"]),
    content: { [PROBLEM_JSON]: { schema: { $ref: `${SCHEMA_REF}Problem` } } },
  };
  const body = requestBody(operation);
  const params = parameters(operation);
  return {
    operationId: operationId(operation),
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
    security: security(operation),
    ...(operation.roles ? { "x-roles": operation.roles } : {}),
  };
}

/** The OpenAPI 3.1 document, generated from the zod schemas the gateway validates with and answers by. */
export function buildOpenApiDocument(operations: Operation[] = OPERATIONS): JsonSchema {
  const { components, inline } = replySchemas(operations);
  const refs = new Map(NAMED_SCHEMAS.map(([id, schema]) => [schema, { $ref: SCHEMA_REF + id }]));
  const schemaOf = (schema: z.ZodType): JsonSchema => refs.get(schema) ?? inline.get(schema) ?? jsonSchemaOf(schema, "output");
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    const path = openapiPath(operation.path);
    paths[path] ??= {};
    if (paths[path]![operation.method]) throw new Error(`${operation.method.toUpperCase()} ${operation.path} is described twice`);
    paths[path]![operation.method] = describeOperation(operation, schemaOf);
  }
  // No jsonSchemaDialect: OpenAPI 3.1's default dialect (its base vocabulary on JSON Schema 2020-12) is
  // what the schemas are written in, and Swagger UI flags the field as unsupported on /docs.
  return {
    openapi: "3.1.0",
    info: {
      title: "dealer-gateway",
      version: PACKAGE.version,
      description: PACKAGE.description +
        "\n\nErrors are RFC 9457 problem+json bodies carrying a machine-readable `code`; the token endpoint answers RFC 6749 errors. Every response carries X-Request-Id.",
    },
    tags: TAGS,
    paths,
    components: { schemas: components, securitySchemes: SECURITY_SCHEMES, headers: HEADERS },
  };
}

let cached: JsonSchema | undefined;

/** Built once per process: the document depends on code only. */
export function openApiDocument(): JsonSchema {
  cached ??= buildOpenApiDocument();
  return cached;
}
