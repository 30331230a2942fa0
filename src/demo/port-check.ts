import net from "node:net";

/**
 * Refuses, before anything else is done, when the port is taken (another demo, the gateway itself): the
 * demo starts by replacing its database, which must not happen to a demo that is still running on it.
 */
export async function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === "EADDRINUSE"
        ? `port ${port} is already in use (another demo or gateway?): stop it, or choose another with PORT=...; the demo database was left as it is`
        : `cannot listen on ${host}:${port}: ${error.message}`));
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
