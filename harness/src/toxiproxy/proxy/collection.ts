import type { Random } from '../random.ts';
import { AddressError, formatHostPort, resolveListen } from './address.ts';
import { Proxy } from './proxy.ts';

/** A Toxiproxy API error: status and message exactly as Toxiproxy words them. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export const proxyNotFound = (): ApiError => new ApiError('proxy not found', 404);
export const proxyAlreadyExists = (): ApiError => new ApiError('proxy already exists', 409);

/** What creating a proxy needs (decoded and checked by the API layer). */
export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** Go-worded address and bind failures are Toxiproxy's "other errors": 500. */
function asApiError(error: unknown): never {
  if (error instanceof AddressError) throw new ApiError(error.message, 500);
  throw error;
}

async function resolvedListen(listen: string): Promise<string> {
  const { host, port } = await resolveListen(listen);
  return formatHostPort(host, port);
}

/**
 * Every proxy by name. Changes are applied one at a time (as Toxiproxy's locks do), so two API
 * calls never interleave half-way through binding or tearing down.
 */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly random: Random) {}

  /** Runs `change` after every change before it. */
  serialize<T>(change: () => Promise<T>): Promise<T> {
    const result = this.queue.then(change);
    this.queue = result.catch(() => undefined);
    return result;
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw proxyNotFound();
    return proxy;
  }

  /** Sorted by name, as Toxiproxy's JSON object keys are. */
  all(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async create(spec: ProxySpec): Promise<Proxy> {
    if (this.proxies.has(spec.name)) throw proxyAlreadyExists();
    const proxy = new Proxy(spec.name, spec.listen, spec.upstream, this.random);
    if (spec.enabled) await proxy.start().catch(asApiError);
    this.proxies.set(spec.name, proxy);
    return proxy;
  }

  /**
   * Toxiproxy's update: listen/upstream/enabled merged over the current values. A different
   * upstream or resolved listen restarts the proxy (dropping its connections); a bind failure
   * leaves the new values saved and the proxy disabled.
   */
  async update(proxy: Proxy, input: Omit<ProxySpec, 'name'>): Promise<void> {
    // Deleted by a call that ran first: do not bring a detached proxy back to life.
    if (this.proxies.get(proxy.name) !== proxy) throw proxyNotFound();
    const listen = await resolvedListen(input.listen).catch(asApiError);
    if (listen !== proxy.listen || input.upstream !== proxy.upstream) {
      await proxy.stop();
      proxy.listen = input.listen;
      proxy.upstream = input.upstream;
    }
    if (input.enabled && !proxy.enabled) await proxy.start().catch(asApiError);
    if (!input.enabled && proxy.enabled) await proxy.stop();
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /**
   * `/populate` for one entry: a new name is created; the same name with the same resolved listen
   * and upstream is left untouched (toxics, state and all); otherwise the old proxy is stopped and
   * replaced by a new one without toxics.
   */
  async createOrReplace(spec: ProxySpec): Promise<Proxy> {
    const existing = this.proxies.get(spec.name);
    if (existing) {
      const listen = await resolvedListen(spec.listen).catch(asApiError);
      if (listen === existing.listen && spec.upstream === existing.upstream) return existing;
      await existing.stop();
    }
    const proxy = new Proxy(spec.name, spec.listen, spec.upstream, this.random);
    if (spec.enabled) await proxy.start().catch(asApiError);
    this.proxies.set(spec.name, proxy);
    return proxy;
  }

  /** `/reset`: every proxy enabled again and every toxic removed (and its counters cleared). */
  async reset(): Promise<void> {
    for (const proxy of this.all()) {
      await proxy.start().catch(asApiError);
      await proxy.removeAllToxics();
      proxy.toxics.clearCounters();
    }
  }

  /** Stops every proxy (server shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((proxy) => proxy.stop()));
    this.proxies.clear();
  }
}
