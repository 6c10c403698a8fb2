import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceApp } from './service.ts';

export interface ListeningService {
  server: Server;
  url: string;
  port: number;
  /**
   * Graceful stop: stop accepting, let in-flight requests finish (up to `graceMs`, default
   * 5000), then drop every connection and close the dependency pools. Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Requests a keep-alive connection serves before the server asks the client to reconnect
 * (`Connection: close`), as load balancers and proxies commonly do (nginx's
 * keepalive_requests). Besides being realistic it matters to faults: Toxiproxy decides toxicity
 * per connection, so connections that lived forever would meet a `toxicity < 1` fault once and
 * never again.
 */
export const defaultMaxRequestsPerSocket = 10;

/** Listens on `host:port` (port 0 = any free port) and tells the app its URL. */
export async function listenService(
  app: ServiceApp,
  options: { host?: string; port?: number; /** Default defaultMaxRequestsPerSocket; 0 = unlimited. */ maxRequestsPerSocket?: number } = {},
): Promise<ListeningService> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer({ keepAliveTimeout: 5000 }, app.listener);
  server.maxRequestsPerSocket = options.maxRequestsPerSocket ?? defaultMaxRequestsPerSocket;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  app.setUrl(url);
  let closing: Promise<void> | undefined;
  const close = (graceMs = 5000) =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([app.whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
      await app.close();
    })());
  return { server, url, port, close };
}
