import type { AddressInfo } from 'node:net';
import { FaultlineError } from '../errors.ts';
import { createHostGuard } from './api/host-guard.ts';
import { createApiServer } from './api/server.ts';
import { loadConfigFile } from './config.ts';
import { formatHostPort } from './proxy/address.ts';
import { ProxyCollection } from './proxy/collection.ts';
import { createRandom, randomSeed } from './random.ts';

export interface ToxiproxyOptions {
  /** Interface of the admin API. Default `127.0.0.1`. */
  host?: string | undefined;
  /** Port of the admin API. Default 8474 (Toxiproxy's); 0 picks a free port. */
  port?: number | undefined;
  /** Seed of every random decision (toxicity rolls, jitter, slicer sizes). Default: random. */
  seed?: number | undefined;
  /** A Toxiproxy config file (JSON array of proxies, `/populate`'s format) loaded at start. */
  configFile?: string | undefined;
  /**
   * Host names (no scheme, no port) clients may use in the `Host` header besides loopback names,
   * the bound address and (when bound to every interface) IP literals, e.g. `['toxiproxy']` for
   * a container reached by its service name. Anything else is refused 403 (DNS rebinding).
   * Default: none.
   */
  allowedHosts?: readonly string[] | undefined;
}

export interface EmbeddedToxiproxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  host: string;
  port: number;
  /** The seed in use (the given one, or the one drawn), so a run can be replayed. */
  seed: number;
  /** Closes the admin server, every proxy listener and every socket. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts faultline's Toxiproxy-compatible server: the Toxiproxy 2.x HTTP API plus TCP proxying
 * with every Toxiproxy toxic. Throws FL_PORT_IN_USE when the admin port is taken.
 */
export async function startToxiproxy(options: ToxiproxyOptions = {}): Promise<EmbeddedToxiproxy> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8474;
  const seed = options.seed ?? randomSeed();
  const proxies = new ProxyCollection(createRandom(seed));
  const allowedHosts = checkAllowedHosts(options.allowedHosts ?? []);
  const boundAddress = (): string | undefined => (server.address() as AddressInfo | null)?.address;
  const guard = createHostGuard({ bindHost: host, boundAddress, allowedHosts });
  const server = createApiServer(proxies, () => proxies.all().map((p) => p.metrics()), guard);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(new FaultlineError('FL_PORT_IN_USE', `port ${port} on ${host} is already in use (Toxiproxy API)`, { cause: error }));
      else reject(new FaultlineError('FL_ENVIRONMENT', `cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
    });
    server.listen({ host, port }, () => resolve());
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await proxies.closeAll();
      await closed;
    })());
  if (options.configFile) {
    try {
      await loadConfigFile(options.configFile, proxies);
    } catch (error) {
      await close();
      throw error;
    }
  }
  const address = server.address() as AddressInfo;
  const url = `http://${formatHostPort(address.address, address.port)}`;
  return { url, host: address.address, port: address.port, seed, close };
}

/** Allowed hosts are bare names or IPs as they appear in a Host header, without the port. */
function checkAllowedHosts(hosts: readonly string[]): string[] {
  for (const host of hosts) {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)$/i.test(host)) {
      throw new FaultlineError(
        'FL_USAGE',
        `allowed host '${host}' is not a host name: give the bare name or IP clients put in the URL, without scheme or port (e.g. toxiproxy)`,
      );
    }
  }
  return [...hosts];
}
