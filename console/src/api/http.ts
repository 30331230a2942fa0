import { currentToken, endSession } from "../session/session-store";
import { ApiError, problemOf } from "./problem";

export interface RequestOptions {
  body?: unknown;
  accept?: string;
}

/** One call to the JSON API with the signed-in user's bearer token; a 401 ends the session. */
async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: options.accept ?? "application/json" };
  const token = currentToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), credentials: "omit", cache: "no-store",
  });
  if (response.ok) return response;
  const problem = await problemOf(response);
  if (response.status === 401 && token) endSession("expired");
  throw new ApiError(response.status, problem);
}

export async function apiJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, { body });
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export async function apiBlob(path: string, accept: string): Promise<{ blob: Blob; filename: string | null }> {
  const response = await send("GET", path, { accept });
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? null;
  return { blob: await response.blob(), filename };
}

export const get = <T>(path: string) => apiJson<T>("GET", path);
export const post = <T>(path: string, body: unknown = {}) => apiJson<T>("POST", path, body);
export const put = <T>(path: string, body: unknown = {}) => apiJson<T>("PUT", path, body);
export const patch = <T>(path: string, body: unknown) => apiJson<T>("PATCH", path, body);
export const del = (path: string) => apiJson<void>("DELETE", path);

/** A query string from the given values, skipping empty ones. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}
