import { BENCH_ADMIN } from "./seed";

async function post(url: string, body: URLSearchParams | string, contentType: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: "POST", body, headers: { "content-type": contentType } });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** A dealer access token from the gateway's own token endpoint (client_secret_post). */
export async function dealerToken(url: string, clientId: string, clientSecret: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret });
  return String((await post(`${url}/oauth/token`, body, "application/x-www-form-urlencoded")).access_token);
}

export async function adminToken(url: string): Promise<string> {
  return String((await post(`${url}/v1/auth/login`, JSON.stringify(BENCH_ADMIN), "application/json")).access_token);
}
