import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { LoadSpec } from '../../src/scenario/model.ts';

/** A loopback HTTP server for one test, closed (with every socket it accepted) by `close`. */
export interface TestServer {
  url: string;
  port: number;
  /** Requests in flight at the server right now, and the most seen at once. */
  readonly concurrent: number;
  readonly maxConcurrent: number;
  /** Connections accepted and not yet closed. */
  readonly openConnections: number;
  close(): Promise<void>;
}

export async function startServer(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let concurrent = 0;
  let maxConcurrent = 0;
  const server: Server = createServer((request, response) => {
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    let counted = true;
    const done = () => {
      if (counted) concurrent--;
      counted = false;
    };
    response.on('close', done);
    handle(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get concurrent() {
      return concurrent;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
    get openConnections() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A GET load of `rate`/s for `durationMs`, overridable field by field. */
export function loadSpec(rate: number, durationMs: number, overrides: Partial<LoadSpec> = {}): LoadSpec {
  return {
    target: 'test',
    method: 'GET',
    path: '/',
    headers: {},
    stages: [{ durationMs, fromRate: rate, toRate: rate }],
    maxInFlight: 100,
    timeoutMs: 2000,
    ...overrides,
  };
}

/** Counts active handles by type, so a test can see that a run left none behind. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}
