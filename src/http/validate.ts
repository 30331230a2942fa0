import type { z } from "zod";
import { problems, type FieldIssue } from "./problem";

function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const keys = issue.code === "unrecognized_keys" ? ` (${issue.keys.join(", ")})` : "";
    return { path: issue.path.join(".") || "(root)", message: `${issue.message}${keys}` };
  });
}

/** Parses untrusted input or throws a 400 naming every problem; nothing runs on invalid input. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query" | "path" | "line" = "body"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = issuesOf(result.error);
  const summary = errors.map((e) => `${e.path}: ${e.message}`).join("; ");
  throw problems.validation(`Invalid ${where}: ${summary}`, errors);
}

export function describeIssues(error: z.ZodError): string {
  return issuesOf(error).map((e) => `${e.path}: ${e.message}`).join("; ");
}
