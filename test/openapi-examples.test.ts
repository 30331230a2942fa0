import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { NAMED_SCHEMAS } from "../src/openapi/components";
import { CUSTOMER_BODY_EXAMPLES, SCHEMA_EXAMPLES } from "../src/openapi/examples";
import { buildOpenApiDocument } from "../src/openapi/openapi-document";
import { OPERATIONS } from "../src/openapi/operations";
import { customerInputSchema } from "../src/customers/customer-input";

type Json = Record<string, any>;
const document = buildOpenApiDocument() as Json;

/** Named schemas without an example of their own, and why. */
const WITHOUT_EXAMPLE: Record<string, string> = {
  Health: "a single constant", Ready: "a single constant", JsonWebKeySet: "the gateway's own public keys",
  CustomerOrTombstone: "either of two schemas that both have one", DealerPendingPurges: "ids and ages only", AllPendingPurges: "ids and ages only",
};
/** Request bodies that take nothing, or text. */
const bodyless = (operation: (typeof OPERATIONS)[number]) => operation.body?.required === false && !SCHEMA_EXAMPLES.some(([schema]) => schema === operation.body?.schema);

/** Resolves the document's $refs, so a component validates as the document states it. */
function validatorFor(schema: Json): (value: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "doc", components: document.components }, "doc");
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === "$ref" ? `doc${value}` : rewrite(value)]));
    return node;
  };
  return ajv.compile(rewrite(schema) as Json);
}

describe("examples in the OpenAPI document", () => {
  it("when the document is built, then every named schema but the listed few carries an example", () => {
    const missing = NAMED_SCHEMAS.map(([id]) => id).filter((id) => !WITHOUT_EXAMPLE[id] && !document.components.schemas[id].examples);
    expect(missing).toEqual([]);
  });

  it("when an operation takes a JSON body with content, then the body has an example to try, and customers three, from NL, FR and CH", () => {
    const missing = OPERATIONS.filter((operation) => operation.body?.schema && (operation.body.mediaType ?? "application/json") === "application/json" && !bodyless(operation))
      .filter((operation) => {
        const media = document.paths[operation.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")][operation.method].requestBody.content["application/json"];
        return media.example === undefined && media.examples === undefined;
      })
      .map((operation) => `${operation.method} ${operation.path}`);
    expect(missing).toEqual([]);
    const countries = Object.values(CUSTOMER_BODY_EXAMPLES).map((example) => example.value.postalAddress.country);
    expect(countries).toEqual(["NL", "FR", "CH"]);
  });

  it("when each example is checked, then it passes the very zod schema the gateway validates or answers with", () => {
    for (const [schema, example] of [...SCHEMA_EXAMPLES, ...Object.values(CUSTOMER_BODY_EXAMPLES).map((named) => [customerInputSchema, named.value] as const)]) {
      const result = schema.safeParse(example);
      expect(result.success ? "valid" : JSON.stringify({ example, issues: result.error.issues })).toBe("valid");
    }
  });

  it("when each named schema's example is checked against the JSON Schema the document publishes, then it validates", () => {
    for (const [id, schema] of Object.entries(document.components.schemas as Record<string, Json>)) {
      for (const example of schema.examples ?? []) expect(validatorFor(schema)(example) ? id : `${id} does not validate`).toBe(id);
    }
  });

  it("when customer examples give dates, phones and languages, then they are plausible: past birth dates, E.164, short tags", () => {
    for (const { value } of Object.values(CUSTOMER_BODY_EXAMPLES)) {
      expect(value.phone).toMatch(/^\+(31|33|41)\d{8,9}$/);
      expect(value.preferredLanguage).toMatch(/^(nl|fr)-(NL|FR|CH)$/);
      const born = Date.parse(value.birthDate);
      expect(born).toBeGreaterThan(Date.parse("1920-01-01"));
      expect(born).toBeLessThan(Date.parse("2010-01-01"));
    }
  });
});
