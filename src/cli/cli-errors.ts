import { AppError, type FieldIssue } from "../http/problem";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command was called wrongly: exit 2. */
export class UsageError extends Error {}

/** The command ran and did not succeed: exit 1, with the message on stderr. */
export class CommandFailed extends Error {}

/** Exit code and message for anything a command throws: bad input is a usage error, the rest a failure. */
export function describeFailure(error: unknown): { code: number; message: string } {
  if (error instanceof UsageError) return { code: EXIT_USAGE, message: error.message };
  if (error instanceof CommandFailed) return { code: EXIT_FAILURE, message: error.message };
  if (error instanceof AppError) {
    const issues = Array.isArray(error.extra.errors) ? (error.extra.errors as FieldIssue[]) : [];
    const message = issues.length > 0 ? `Invalid input:\n${issues.map((issue) => `  ${issue.path}: ${issue.message}`).join("\n")}` : error.detail ?? error.title;
    return { code: error.status === 400 ? EXIT_USAGE : EXIT_FAILURE, message };
  }
  return { code: EXIT_FAILURE, message: error instanceof Error ? error.message : String(error) };
}
