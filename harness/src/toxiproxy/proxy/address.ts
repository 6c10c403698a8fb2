import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** A failure worded as Toxiproxy (Go's net package) words it; answered as a 500. */
export class AddressError extends Error {}

export interface HostPort {
  /** An IP literal, or '' for every interface. */
  host: string;
  port: number;
}

/** Splits `host:port` / `[v6]:port` as Go's net.SplitHostPort does, with its error wording. */
export function splitHostPort(address: string): { host: string; port: string } {
  const fail = (why: string): never => {
    throw new AddressError(`address ${address}: ${why}`);
  };
  const colon = address.lastIndexOf(':');
  if (colon < 0) return fail('missing port in address');
  let host: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) return fail("missing ']' in address");
    if (close + 1 !== colon) return fail(close + 1 === address.length ? 'missing port in address' : 'too many colons in address');
    host = address.slice(1, close);
  } else {
    host = address.slice(0, colon);
    if (host.includes(':')) return fail('too many colons in address');
  }
  return { host, port: address.slice(colon + 1) };
}

/**
 * Resolves a listen address to an IP and port, as Go's ResolveTCPAddr would: `localhost` becomes
 * 127.0.0.1 (IPv4 first), an empty host means every interface, an empty port means 0 (free).
 */
export async function resolveListen(address: string): Promise<HostPort> {
  if (address === '') return { host: '', port: 0 };
  const { host, port: portText } = splitHostPort(address);
  const port = portText === '' ? 0 : Number(portText);
  if (!/^\d*$/.test(portText)) throw new AddressError(`lookup tcp/${portText}: unknown port`);
  if (!Number.isInteger(port) || port > 65535) throw new AddressError(`address ${portText}: invalid port`);
  if (host === '' || isIP(host)) return { host, port };
  try {
    const found = await lookup(host, { family: 4 }).catch(() => lookup(host));
    return { host: found.address, port };
  } catch {
    throw new AddressError(`lookup ${host}: no such host`);
  }
}

/** `ip:port`, with IPv6 in brackets and every interface shown as Go shows it (`[::]`). */
export function formatHostPort(host: string, port: number): string {
  if (host === '') return `:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
