import { isIP } from 'node:net';

/**
 * The DNS-rebinding guard of the admin API. A web page at `http://evil.example:8474` whose name
 * the attacker re-points at 127.0.0.1 talks to us as "same origin"; the one thing it cannot
 * change is the `Host` header, which carries the attacker's name. So a request is served only
 * when its Host names us:
 *
 * - a loopback name: `localhost`, any `127.x.y.z`, `[::1]`;
 * - the address the server was bound to, when that is a specific one (`--host 10.0.0.5`,
 *   `--host my-box`, as given and as resolved);
 * - any IP literal, when the server is bound to every interface (`0.0.0.0`, `::`): a rebinding
 *   attack always sends a *name*, and which of the machine's (or a container's forwarded)
 *   addresses a client used cannot be known;
 * - a name the operator allowed explicitly (`allowedHosts`, `--allow-host toxiproxy`).
 *
 * The port in Host is not compared: port forwarding (`docker -p`, `ssh -L`) changes it, and an
 * attacker's page uses the victim's port anyway. A request without a Host header (HTTP/1.0) is
 * served: browsers always send one, so refusing it would stop old scripts and not one attack.
 */
export interface HostGuardOptions {
  /** The host the server was asked to bind, as given (`127.0.0.1`, `0.0.0.0`, `my-box`). */
  bindHost: string;
  /** The address it is bound to (what `server.address()` says), read when a request comes. */
  boundAddress: () => string | undefined;
  /** Further host names (no port) clients may use, e.g. a container's service name. */
  allowedHosts?: readonly string[];
}

/** Returns undefined when the Host header is acceptable, else the refusal to send. */
export type HostGuard = (hostHeader: string | undefined) => string | undefined;

const wildcardHosts = new Set(['', '0.0.0.0', '::', '[::]']);

/** The host part of a Host header, lower case, IPv6 without brackets; undefined if malformed. */
export function hostName(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return undefined;
    const rest = value.slice(close + 1);
    if (rest !== '' && !/^:\d*$/.test(rest)) return undefined;
    return value.slice(1, close);
  }
  const colon = value.indexOf(':');
  if (colon >= 0 && !/^\d*$/.test(value.slice(colon + 1))) return undefined;
  const name = colon >= 0 ? value.slice(0, colon) : value;
  return name === '' ? undefined : name;
}

/** `localhost`, `127.x.y.z`, `::1` (and IPv4-mapped 127.x). */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name === '::1') return true;
  const v4 = name.startsWith('::ffff:') ? name.slice(7) : name;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

const bare = (host: string): string => host.toLowerCase().replace(/^\[(.*)\]$/, '$1');

export function createHostGuard(options: HostGuardOptions): HostGuard {
  const wildcard = wildcardHosts.has(options.bindHost.trim());
  const allowed = new Set((options.allowedHosts ?? []).map(bare));
  if (!wildcard) allowed.add(bare(options.bindHost));
  return (header) => {
    if (header === undefined) return undefined;
    const name = hostName(header);
    if (name !== undefined) {
      if (isLoopbackName(name) || allowed.has(name)) return undefined;
      const bound = options.boundAddress();
      if (bound !== undefined && !wildcardHosts.has(bound) && bare(bound) === name) return undefined;
      if (wildcard && isIP(name) !== 0) return undefined;
    }
    const shown = header.length > 100 ? `${header.slice(0, 100)}…` : header;
    return (
      `host not allowed: Host '${shown}' does not name this server (a DNS-rebinding guard); ` +
      `use 127.0.0.1 or localhost, or start it with --allow-host <name> (allowedHosts) for a name that is really yours`
    );
  };
}
