/** A thin fetch client for the gateway's public API: the demo seeds only through what a CRM admin could call. */
export class GatewayClient {
  constructor(readonly baseUrl: string, private readonly bearer?: string) {}

  withToken(token: string): GatewayClient {
    return new GatewayClient(this.baseUrl, token);
  }

  /** Sends a request and returns status and parsed body, whatever the status. */
  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; text: string }> {
    const isText = typeof body === "string";
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        Accept: "application/json",
        ...(this.bearer ? { Authorization: `Bearer ${this.bearer}` } : {}),
        ...(body === undefined ? {} : { "Content-Type": isText ? "application/x-ndjson" : "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : isText ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  }

  /** Sends a request and fails loudly unless the status is one of `expected`. */
  async call<T = any>(method: string, path: string, body?: unknown, expected: number[] = [200, 201]): Promise<T> {
    const response = await this.send(method, path, body);
    if (!expected.includes(response.status)) {
      throw new Error(`${method} ${path.replace(/\?.*$/, "")} answered ${response.status}: ${summarise(response.text)}`);
    }
    return response.body as T;
  }

  async login(username: string, password: string): Promise<GatewayClient> {
    const body = await this.call<{ access_token: string }>("POST", "/v1/auth/login", { username, password }, [200]);
    return this.withToken(body.access_token);
  }

  /** A dealer token by client_secret_basic. */
  async dealerToken(clientId: string, clientSecret: string): Promise<GatewayClient> {
    const response = await fetch(`${this.baseUrl}/oauth/token`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`POST /oauth/token answered ${response.status}: ${summarise(text)}`);
    return this.withToken((JSON.parse(text) as { access_token: string }).access_token);
  }
}

/** Error bodies carry codes and ids only, but keep the message short anyway. */
function summarise(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Runs `task` over `items` with at most `concurrency` requests in flight. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
