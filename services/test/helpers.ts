import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Registry } from 'prom-client';
import { DependencyClient } from '../lib/client/dependency-client.ts';
import { createServiceMetrics, type ServiceMetrics } from '../lib/metrics.ts';
import { resolveProfileFile } from '../lib/profile/load.ts';
import type { DependencyPolicy, Profile, ProfileFile } from '../lib/profile/schema.ts';
import { createRandom } from '../lib/random.ts';
import { adminSecretHeader } from '../lib/server/admin-secret.ts';
import { listenService, type ListeningService } from '../lib/server/listen.ts';
import { buildService, type ServiceApp, type ServiceConfig, type ServiceDefinition } from '../lib/server/service.ts';

/** Things to close after each test, newest first. */
export class Cleanup {
  private readonly tasks: Array<() => unknown> = [];
  add(task: () => unknown): void {
    this.tasks.push(task);
  }
  async run(): Promise<void> {
    while (this.tasks.length) await this.tasks.pop()!();
  }
}

export type StubHandler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A misbehaving callee: the handler decides per request (n counts from 1). */
export interface Stub {
  url: string;
  server: Server;
  /** Requests received so far. */
  readonly count: number;
  /** Arrival times (performance.now()) of each request. */
  readonly arrivals: number[];
  /** Resolves when the client side of request n closed its socket (the call was cancelled). */
  closedBy: Array<Promise<void>>;
  headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

export async function startStub(cleanup: Cleanup, handler: StubHandler): Promise<Stub> {
  const sockets = new Set<Socket>();
  const arrivals: number[] = [];
  const closedBy: Array<Promise<void>> = [];
  const headers: IncomingMessage['headers'][] = [];
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    arrivals.push(performance.now());
    headers.push(req.headers);
    closedBy.push(new Promise((resolve) => res.on('close', () => resolve())));
    handler(req, res, count);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanup.add(close);
  return {
    url,
    server,
    get count() {
      return count;
    },
    arrivals,
    closedBy,
    headers,
    close,
  };
}

export const reply = (res: ServerResponse, status: number, body: unknown = { ok: status < 400 }) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
/** Never answers. */
export const hang: StubHandler = () => undefined;
/** Drops the connection without an answer. */
export const resetConnection: StubHandler = (req) => req.socket.destroy();

export function testProfile(file: Omit<ProfileFile, 'name'> = {}): Profile {
  return resolveProfileFile({ name: 'test', ...file });
}

/** A client for `dependency` at `url` with the given policies, and its metrics. */
export function makeClient(
  cleanup: Cleanup,
  url: string,
  policy: DependencyPolicy,
  options: { seed?: number; dependency?: string; deadlineReserveMs?: number } = {},
): { client: DependencyClient; metrics: ServiceMetrics } {
  const dependency = options.dependency ?? 'stub';
  const metrics = createServiceMetrics({ service: 'test', dependencies: [dependency], effects: [], processMetrics: false });
  const client = new DependencyClient({
    dependency,
    baseUrl: url,
    policy,
    metrics,
    random: createRandom(options.seed ?? 1),
    propagateDeadline: true,
    deadlineReserveMs: options.deadlineReserveMs ?? 0,
  });
  cleanup.add(() => client.close());
  return { client, metrics };
}

/** The fault-hook secret test services start with (unless a test says otherwise). */
export const testAdminSecret = 'test-admin-secret-0123456789';
/** The header that authorises a fault-hook request to a test service. */
export const adminHeaders: Readonly<Record<string, string>> = { [adminSecretHeader]: testAdminSecret };

/** Builds and listens a service on a free port, its fault hook on with `testAdminSecret`; closed by cleanup. */
export async function startService(
  cleanup: Cleanup,
  definition: ServiceDefinition,
  config: Partial<ServiceConfig> = {},
): Promise<{ app: ServiceApp; listening: ListeningService; url: string }> {
  const app = buildService(definition, { profile: testProfile(), dependencyUrls: {}, processMetrics: false, adminSecret: testAdminSecret, ...config });
  const listening = await listenService(app);
  cleanup.add(() => listening.close(500));
  return { app, listening, url: listening.url };
}

/**
 * Sum of a metric's samples matching `labels` (histograms: their observation count).
 */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const data = await metric.get();
  const isHistogram = String(data.type) === 'histogram';
  return data.values
    .filter((v) => !isHistogram || (v as { metricName?: string }).metricName === `${name}_count`)
    .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

export async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

/** The value of the sample `name{labels}` in Prometheus text exposition (label order ignored). */
export function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    const keys = Object.keys(labels);
    if (keys.length === Object.keys(found).length && keys.every((k) => found[k] === labels[k])) return Number(match[3]);
  }
  return undefined;
}
