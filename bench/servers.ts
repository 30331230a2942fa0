import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

export interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s`);
}

/**
 * Starts an entry point with node (no wrapper process, so the pid is the server's own): compiled
 * JavaScript as it is, TypeScript through tsx. Waits for it to answer.
 */
export async function startServer(options: { script: string; env: Record<string, string>; readyPath: string; nodeArgs?: string[]; name: string; cwd?: string }): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const loader = options.script.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, options.script], {
    env: { ...process.env, ...options.env, PORT: String(port), HOST: "127.0.0.1" },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilReady(`${url}${options.readyPath}`, child, 120_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${options.name}: ${(error as Error).message}\n${stderr}`);
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The process and its descendants (cluster workers), read from /proc. */
export function processTree(pid: number): number[] {
  const children = (id: number): number[] => {
    try {
      return fs.readdirSync(`/proc/${id}/task`).flatMap((task) =>
        fs.readFileSync(`/proc/${id}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return [];
    }
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all;
}

export function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the RSS of every process of a server until stopped; reports the largest growth of any one of them. */
export function sampleRss(rootPid: number, everyMs = 50): { stop(): { beforeMb: number; peakMb: number; growthMb: number } } {
  const pids = processTree(rootPid);
  const before = new Map(pids.map((pid) => [pid, rssBytes(pid)]));
  const peak = new Map(before);
  const timer = setInterval(() => {
    for (const pid of pids) peak.set(pid, Math.max(peak.get(pid) ?? 0, rssBytes(pid)));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      let worst = { before: 0, peak: 0 };
      for (const pid of pids) {
        const grown = { before: before.get(pid) ?? 0, peak: peak.get(pid) ?? 0 };
        if (grown.peak - grown.before >= worst.peak - worst.before) worst = grown;
      }
      const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
      return { beforeMb: mb(worst.before), peakMb: mb(worst.peak), growthMb: mb(worst.peak - worst.before) };
    },
  };
}

/** CPU seconds (user + system) used so far by the process and its descendants that are still running. */
export function cpuSeconds(rootPid: number): number {
  const ticksPerSecond = 100;
  let ticks = 0;
  for (const pid of processTree(rootPid)) {
    try {
      // Fields after the command name, which may itself contain spaces: utime and stime are the 12th and 13th.
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process has exited
    }
  }
  return ticks / ticksPerSecond;
}

/** Inodes of the sockets listening on a TCP port in this network namespace. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let lines: string[] = [];
    try {
      lines = fs.readFileSync(table, "utf8").trim().split("\n").slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // local address, state 0A = LISTEN, inode
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A") inodes.add(fields[9]!);
    }
  }
  return inodes;
}

/**
 * The local MariaDB or MySQL server process that listens on `port`, when there is one on this machine.
 * Other servers may run beside it (test clusters), so the name alone does not say which one it is.
 */
export function databaseServerPid(port: number): number | undefined {
  const inodes = listeningInodes(port);
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!["mariadbd", "mysqld"].includes(fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim())) continue;
      const sockets = fs.readdirSync(`/proc/${entry}/fd`).map((fd) => {
        try {
          return fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
        } catch {
          return "";
        }
      });
      if (sockets.some((link) => inodes.has(/^socket:\[(\d+)\]$/.exec(link)?.[1] ?? ""))) return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}
