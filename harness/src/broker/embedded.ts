import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Aedes } from 'aedes';
import { FaultlineError } from '../errors.ts';

export interface EmbeddedBrokerOptions {
  host?: string | undefined;
  /** 0 = a free port, chosen once and kept across restarts (clients reconnect to it). */
  port?: number | undefined;
}

/** Counters the broker keeps for the run's metrics and the benchmark. */
export interface BrokerStats {
  up: boolean;
  connectedClients: number;
  /** PUBLISH packets from clients the broker accepted. */
  published: number;
  /** Times the broker went down (crash or stop). */
  outages: number;
}

let software: string | undefined;

/** `aedes <version>`: what the embedded broker is, for the run's environment. Read from aedes's
 * package.json beside its entry point (its `exports` do not list the file). */
export function embeddedBrokerSoftware(): string {
  software ??= `aedes ${(JSON.parse(readFileSync(join(dirname(createRequire(import.meta.url).resolve('aedes')), 'package.json'), 'utf8')) as { version: string }).version}`;
  return software;
}

/**
 * faultline's MQTT 3.1.1 broker (aedes), started by the runner as the embedded Toxiproxy is.
 * It can go down and come back on the same port, as a broker process that crashes and restarts:
 * with `keepState` (the default) sessions, subscriptions and queued messages survive the outage —
 * a broker with durable storage; without it they are lost, as with a broker that keeps state in
 * memory only.
 */
export class EmbeddedBroker {
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private readonly stats: BrokerStats = { up: false, connectedClients: 0, published: 0, outages: 0 };

  private constructor(private readonly host: string) {}

  static async start(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
    const broker = new EmbeddedBroker(options.host ?? '127.0.0.1');
    broker.aedes = await broker.newAedes();
    await broker.listen(options.port ?? 0);
    return broker;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The address clients (through their proxies) connect to. */
  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `mqtt://${host}:${this.boundPort}`;
  }

  snapshot(): BrokerStats {
    return { ...this.stats, connectedClients: this.aedes?.connectedClients ?? 0 };
  }

  /**
   * The broker goes down: it stops listening and every client connection is cut (clients see a
   * reset, as when a broker process dies).
   */
  async crash(options: { keepState?: boolean } = {}): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    this.stats.up = false;
    this.stats.outages++;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
    if (options.keepState === false) {
      await this.closeAedes();
      this.aedes = await this.newAedes();
    }
  }

  /** Back up on the same port. */
  async restart(): Promise<void> {
    if (this.server) return;
    this.aedes ??= await this.newAedes();
    await this.listen(this.boundPort);
  }

  async close(): Promise<void> {
    await this.crash();
    await this.closeAedes();
  }

  private async newAedes(): Promise<Aedes> {
    const aedes = await Aedes.createBroker({ heartbeatInterval: 60_000 });
    aedes.on('publish', (_packet, client) => {
      if (client) this.stats.published++;
    });
    return aedes;
  }

  private async closeAedes(): Promise<void> {
    const aedes = this.aedes;
    this.aedes = undefined;
    if (aedes && !aedes.closed) await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }

  private async listen(port: number): Promise<void> {
    const aedes = this.aedes!;
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      aedes.handle(socket);
    });
    server.listen(port, this.host);
    try {
      await Promise.race([
        once(server, 'listening'),
        once(server, 'error').then(([error]) => {
          throw error;
        }),
      ]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new FaultlineError(
        code === 'EADDRINUSE' ? 'FL_PORT_IN_USE' : 'FL_ENVIRONMENT',
        `the embedded broker could not listen on ${this.host}:${port}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : port;
    this.server = server;
    this.stats.up = true;
  }
}
