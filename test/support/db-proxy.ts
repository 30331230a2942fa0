import net from "node:net";

/**
 * A TCP proxy between a gateway and its MySQL/MariaDB, so that tests can take the database away from
 * ONE gateway without touching the shared server:
 * - `cut()`: every open connection is destroyed and new ones are refused (the database is down);
 * - `stall()`: connections are accepted and kept, but no byte passes either way (a network partition);
 * - `restore()`: traffic flows again.
 */
export interface DbProxy {
  port: number;
  /** The given database URL with its host and port replaced by the proxy's. */
  url(databaseUrl: string): string;
  cut(): Promise<void>;
  stall(): void;
  restore(): Promise<void>;
  /** Connections opened through the proxy so far. */
  readonly connections: number;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

export async function startDbProxy(target: { host: string; port: number }): Promise<DbProxy> {
  const pairs = new Set<Pair>();
  let mode: "open" | "cut" | "stalled" = "open";
  let opened = 0;
  let server = net.createServer();
  let port = 0;

  const accept = (client: net.Socket) => {
    if (mode === "cut") {
      client.destroy();
      return;
    }
    opened += 1;
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    // Bytes pass only while the proxy is open; a stalled proxy holds them back without closing anything.
    client.on("data", (chunk: Buffer) => {
      if (mode === "open") upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (mode === "open") client.write(chunk);
    });
  };

  const listen = (onPort: number) =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer(accept);
      server.once("error", reject);
      server.listen(onPort, "127.0.0.1", () => {
        port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const destroyAll = () => {
    for (const pair of pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    pairs.clear();
  };

  await listen(0);
  return {
    get port() {
      return port;
    },
    get connections() {
      return opened;
    },
    url(databaseUrl: string) {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    async cut() {
      mode = "cut";
      destroyAll();
      // Closed listener: a new connection gets ECONNREFUSED at once, as from a stopped server.
      await stopListening();
    },
    stall() {
      mode = "stalled";
    },
    async restore() {
      if (mode === "cut") await listen(port);
      else destroyAll();
      mode = "open";
    },
    async close() {
      mode = "cut";
      destroyAll();
      await stopListening().catch(() => undefined);
    },
  };
}
