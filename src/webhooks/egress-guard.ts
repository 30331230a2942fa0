import dns from "node:dns";
import net from "node:net";

/**
 * What a webhook URL may reach (SSRF protection). Only https:, and only public unicast addresses,
 * unless WEBHOOK_ALLOWED_HOSTS names the URL's host as written. The host is resolved again at every
 * delivery, and the connection goes to the very address that was checked (`guardedLookup`), so a
 * name that later resolves elsewhere (DNS rebinding) is refused too.
 */

/** Addresses no webhook may reach: private, loopback, link-local (cloud metadata), multicast, unspecified, reserved, and IPv6 forms embedding IPv4. */
const BLOCKED = new net.BlockList();
for (const [prefix, bits] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 24],
  ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) BLOCKED.addSubnet(prefix, bits, "ipv4");
for (const [prefix, bits] of [
  ["::", 128], ["::1", 128], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["100::", 64], ["2001::", 23], ["2001:db8::", 32],
  ["2002::", 16], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8],
] as const) BLOCKED.addSubnet(prefix, bits, "ipv6");
// IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are checked by BlockList against the IPv4 rules above.

export function isBlockedAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? "ipv4" : "ipv6");
}

export type AllowedHosts = ReadonlySet<string>;

/** `WEBHOOK_ALLOWED_HOSTS`: host names (lower case) and addresses, IPv6 without brackets. */
export function allowedHosts(setting: string): AllowedHosts {
  return new Set(setting.split(",").map((host) => host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1")).filter(Boolean));
}

export class EgressRefused extends Error {}

/** The URL's host as compared with WEBHOOK_ALLOWED_HOSTS: lower case, IPv6 without brackets, no trailing dot. */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
}

/** Checks what can be checked without DNS: the scheme, credentials, a literal address, `localhost`. Throws EgressRefused. */
export function checkWebhookUrl(raw: string, allowed: AllowedHosts): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressRefused("not an absolute URL");
  }
  const host = hostOf(url);
  const isAllowed = allowed.has(host);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isAllowed)) throw new EgressRefused("must be an https: URL");
  if (url.username || url.password) throw new EgressRefused("must not carry credentials");
  if (url.hash) throw new EgressRefused("must not have a fragment");
  if (isAllowed) return url;
  if (net.isIP(host) !== 0 && isBlockedAddress(host)) throw new EgressRefused("names a private, loopback, link-local or reserved address");
  if (host === "localhost" || host.endsWith(".localhost") || !host.includes(".") && net.isIP(host) === 0) {
    throw new EgressRefused("names a local host");
  }
  return url;
}

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemLookup: Lookup = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** Resolves a host and refuses it when any of its addresses is blocked (unless the host is allowed). */
export async function resolveChecked(host: string, allowed: AllowedHosts, lookup: Lookup): Promise<{ address: string; family: number }[]> {
  let addresses: { address: string; family: number }[];
  try {
    addresses = net.isIP(host) !== 0 ? [{ address: host, family: net.isIP(host) }] : await lookup(host);
  } catch {
    throw new EgressRefused("host name does not resolve");
  }
  if (addresses.length === 0) throw new EgressRefused("host name does not resolve");
  if (!allowed.has(host.toLowerCase()) && addresses.some((entry) => isBlockedAddress(entry.address))) {
    throw new EgressRefused("resolves to a private, loopback, link-local or reserved address");
  }
  return addresses;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** A `lookup` for http(s) agents and sockets: the address connected to is one that `resolveChecked` passed. */
export function guardedLookup(allowed: AllowedHosts, lookup: Lookup) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    resolveChecked(hostname, allowed, lookup).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => callback(Object.assign(error, { code: "EGRESS_REFUSED" }) as NodeJS.ErrnoException, "", 0),
    );
  };
}
