import { t } from "../i18n/translate";

/** An RFC 9457 problem body as the gateway sends it. */
export interface Problem {
  title?: string;
  detail?: string;
  status?: number;
  code?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
}

/** A failed API call, carrying what the gateway said about it. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `The gateway answered ${status}`);
  }
}

const networkProblem = (): Problem => ({ title: t("ui.networkTitle"), detail: t("ui.networkDetail") });

export async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Problem;
    if (body && typeof body === "object") return body;
  } catch {
    // Not JSON: a proxy or a crash page; describe it by its status.
  }
  return { title: `The gateway answered ${response.status} ${response.statusText}`.trim(), status: response.status };
}

/** Whatever was thrown, as a problem the error notice can show. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  if (error instanceof TypeError) return networkProblem();
  return { title: "Something went wrong", detail: error instanceof Error ? error.message : String(error) };
}
