import { z } from "zod";

export type JsonSchema = Record<string, unknown>;
export type SchemaIo = "input" | "output";

interface PipeDef {
  type: string;
  in?: z.ZodType;
  out?: { _zod: { def: { type: string } } };
}

/**
 * The JSON Schema (2020-12) of a zod schema, as it validates requests (`input`) or as the gateway
 * produces values (`output`). A value normalised by a transform (a phone number brought to E.164, a
 * date-time to UTC) is still described by its input shape, the closest truthful description of it.
 */
export function jsonSchemaOf(schema: z.ZodType, io: SchemaIo): JsonSchema {
  const generated = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    override: (ctx) => {
      const def = ctx.zodSchema._zod.def as PipeDef;
      if (io === "output" && def.type === "pipe" && def.out?._zod.def.type === "transform" && def.in) {
        for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonSchema)[key];
        Object.assign(ctx.jsonSchema, jsonSchemaOf(def.in, "output"));
      }
    },
  }) as JsonSchema;
  const { $schema: _dialect, ...rest } = generated;
  return rest;
}
