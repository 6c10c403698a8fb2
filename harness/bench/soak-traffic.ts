// Traffic of the proxy soak: an upstream (HTTP with keep-alive, a bulk route and an echo route;
// a raw TCP echo) and a driver of mixed requests through the proxies — keep-alive requests,
// connections opened and closed, large bodies, raw TCP — never more than `concurrency` at once.
import { once } from 'node:events';
import { Agent, createServer as createHttpServer, request, type IncomingMessage } from 'node:http';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';

export interface Upstream {
  http: string;
  tcp: string;
  close(): Promise<void>;
}

const bulk = Buffer.alloc(512 * 1024, 7);

export async function startUpstream(): Promise<Upstream> {
  const http = createHttpServer((req, res) => {
    if (req.url === '/bulk') return void res.end(bulk);
    if (req.url === '/echo') return void req.pipe(res);
    req.resume();
    res.end('ok');
  });
  http.keepAliveTimeout = 60_000;
  const tcp = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  const listen = async (server: Server) => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const [httpAddress, tcpAddress] = [await listen(http), await listen(tcp)];
  return {
    http: httpAddress,
    tcp: tcpAddress,
    async close() {
      http.closeAllConnections();
      await Promise.all([new Promise((r) => http.close(r)), new Promise((r) => tcp.close(r))]);
    },
  };
}

export interface TrafficStats {
  requests: number;
  failed: number;
  bytes: number;
}

type Action = (signal: AbortSignal) => Promise<number>;

/** Every request gives up after this long: a toxic may hold it forever (timeout, slicer). */
const requestTimeoutMs = 3000;
const largeBody = Buffer.alloc(256 * 1024, 3);

function httpCall(address: string, path: string, agent: Agent | false, body?: Buffer): Action {
  const [host, port] = address.split(':');
  return (signal) =>
    new Promise((resolve, reject) => {
      const req = request(
        { host, port: Number(port), path, method: body ? 'POST' : 'GET', agent, signal, headers: agent ? {} : { connection: 'close' } },
        (res: IncomingMessage) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => resolve(bytes));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

function tcpEcho(address: string, size: number): Action {
  const [host, port] = address.split(':');
  return (signal) =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: host!, port: Number(port), signal });
      let bytes = 0;
      socket.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes >= size) socket.end();
      });
      socket.on('close', () => resolve(bytes));
      socket.on('error', reject);
      socket.write(Buffer.alloc(size, 1));
    });
}

/**
 * Drives mixed traffic through `httpProxies` (addresses of proxies to the HTTP upstream) and
 * `tcpProxy` until stopped; `pause()` lets in-flight requests finish and starts no new ones until
 * `resume()`.
 */
export class TrafficDriver {
  readonly stats: TrafficStats = { requests: 0, failed: 0, bytes: 0 };
  private agent = new Agent({ keepAlive: true, maxSockets: 4 });
  private readonly actions: { weight: number; make: () => Action }[];
  private running = true;
  private paused = false;
  private inFlight = 0;
  private readonly workers: Promise<void>[] = [];
  private wake: (() => void)[] = [];

  constructor(
    httpProxies: readonly string[],
    tcpProxy: string,
    private readonly random: () => number,
    concurrency = 8,
  ) {
    const anyHttp = () => httpProxies[Math.floor(this.random() * httpProxies.length)]!;
    this.actions = [
      { weight: 40, make: () => httpCall(anyHttp(), '/', this.agent) },
      { weight: 20, make: () => httpCall(anyHttp(), '/', false) },
      { weight: 8, make: () => httpCall(anyHttp(), '/bulk', this.agent) },
      { weight: 7, make: () => httpCall(anyHttp(), '/echo', false, largeBody) },
      { weight: 25, make: () => tcpEcho(tcpProxy, 1024 + Math.floor(this.random() * 64 * 1024)) },
    ];
    for (let i = 0; i < concurrency; i++) this.workers.push(this.work());
  }

  private pick(): Action {
    let roll = this.random() * this.actions.reduce((sum, a) => sum + a.weight, 0);
    for (const action of this.actions) if ((roll -= action.weight) < 0) return action.make();
    return this.actions[0]!.make();
  }

  private async work(): Promise<void> {
    while (this.running) {
      if (this.paused) {
        await new Promise<void>((resolve) => this.wake.push(resolve));
        continue;
      }
      this.inFlight++;
      try {
        this.stats.bytes += await this.pick()(AbortSignal.timeout(requestTimeoutMs));
        this.stats.requests++;
      } catch {
        this.stats.failed++; // toxics make requests fail: that is the point
      } finally {
        this.inFlight--;
      }
    }
  }

  /** Stops starting requests, waits (at most `maxWaitMs`) until none is in flight, and closes
   * the keep-alive pool: a sample then sees the server with no client connected, so what it
   * still holds is what it kept. */
  async pause(maxWaitMs = requestTimeoutMs + 500): Promise<void> {
    this.paused = true;
    const deadline = performance.now() + maxWaitMs;
    while (this.inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.agent.destroy();
    this.agent = new Agent({ keepAlive: true, maxSockets: 4 });
  }

  resume(): void {
    this.paused = false;
    for (const wake of this.wake.splice(0)) wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.resume();
    await Promise.all(this.workers);
    this.agent.destroy();
  }
}
