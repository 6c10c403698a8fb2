import { createServer, connect, type Server, type Socket } from 'node:net';
import { Link, type LinkOwner } from '../link/link.ts';
import type { ProxyMetrics } from '../metrics.ts';
import type { Random } from '../random.ts';
import { toxicJson, type ActiveToxic } from './active-toxic.ts';
import { AddressError, formatHostPort, resolveListen, splitHostPort } from './address.ts';
import { ByteCounters } from './byte-series.ts';
import { ToxicChains } from './toxic-chains.ts';

const bindErrorText: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
};

/**
 * One named proxy: a listener on `listen`, and per accepted connection a link to `upstream`
 * through the proxy's toxics. Disabled ("down") means no listener and no connection.
 */
export class Proxy implements LinkOwner {
  enabled = false;
  readonly toxics: ToxicChains;
  private server: Server | undefined;
  private readonly links = new Set<Link>();
  private readonly bytes = new ByteCounters();
  private connectionsTotal = 0;

  constructor(
    readonly name: string,
    /** As given until bound, then the bound address (`127.0.0.1:0` → `127.0.0.1:41234`). */
    public listen: string,
    public upstream: string,
    readonly random: Random,
  ) {
    this.toxics = new ToxicChains(name);
  }

  /**
   * Binds the listener (no-op when already enabled). Failures are Go-worded AddressErrors:
   * `listen tcp 127.0.0.1:80: bind: address already in use`.
   */
  async start(): Promise<void> {
    if (this.enabled) return;
    let resolved;
    try {
      resolved = await resolveListen(this.listen);
    } catch (error) {
      if (error instanceof AddressError) throw new AddressError(`listen tcp: ${error.message}`);
      throw error;
    }
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const why = bindErrorText[error.code ?? ''] ?? error.message;
        reject(new AddressError(`listen tcp ${formatHostPort(resolved.host, resolved.port)}: bind: ${why}`));
      });
      server.listen({ host: resolved.host || undefined, port: resolved.port }, () => resolve());
    });
    server.on('error', () => undefined); // after listening, accept errors are not fatal
    const bound = server.address();
    if (bound && typeof bound === 'object') this.listen = formatHostPort(bound.address, bound.port);
    this.server = server;
    this.enabled = true;
  }

  /** Closes the listener and every connection (clients and upstreams). */
  async stop(): Promise<void> {
    this.enabled = false;
    const server = this.server;
    this.server = undefined;
    for (const link of this.links) link.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async addToxic(toxic: ActiveToxic): Promise<void> {
    this.toxics.add(toxic);
    await Promise.all([...this.links].map((link) => link.direction(toxic.direction).addToxic(toxic)));
  }

  async updateToxic(toxic: ActiveToxic): Promise<void> {
    await Promise.all([...this.links].map((link) => link.direction(toxic.direction).updateToxic(toxic)));
  }

  async removeToxic(toxic: ActiveToxic): Promise<void> {
    this.toxics.remove(toxic);
    await Promise.all([...this.links].map((link) => link.direction(toxic.direction).removeToxic(toxic)));
  }

  /** Removes every toxic (through the data path, so a timeout toxic closes what it held). */
  async removeAllToxics(): Promise<void> {
    for (const toxic of this.toxics.list()) await this.removeToxic(toxic);
  }

  onLinkClosed(link: Link): void {
    this.links.delete(link);
    this.bytes.closed(link);
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, toxics: this.toxics.list().map(toxicJson) };
  }

  metrics(): ProxyMetrics {
    return {
      proxy: this.name,
      connectionsTotal: this.connectionsTotal,
      connectionsActive: this.links.size,
      byteSeries: this.bytes.snapshot(),
      applied: this.toxics.appliedCounters(),
    };
  }

  private accept(client: Socket): void {
    this.connectionsTotal++;
    let target: { host: string; port: number };
    try {
      const { host, port } = splitHostPort(this.upstream);
      target = { host: host || 'localhost', port: Number(port) };
    } catch {
      client.destroy();
      return;
    }
    // Dialed once per client connection, as Toxiproxy does; a failed dial closes the client.
    let server: Socket;
    try {
      server = connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    } catch {
      client.destroy(); // e.g. a port out of range: Toxiproxy's dial fails the same way
      return;
    }
    const link = new Link(client, server, this.toxics.snapshot(), this);
    this.links.add(link);
    this.bytes.track(link, this.listen, this.upstream);
  }
}
