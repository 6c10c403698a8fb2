import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultlineError } from '../errors.ts';
import type { HarnessMetrics } from './exposition.ts';

export interface MetricsServerOptions {
  /** Port to listen on; 0 = any free port. */
  port: number;
  /** Address to bind. Default `127.0.0.1` (loopback only); `0.0.0.0` inside a container. */
  host?: string;
}

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464/metrics`. */
  url: string;
  port: number;
  /** Stops listening and drops idle keep-alive connections; resolves when closed. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves the harness's metrics at `GET /metrics` and the run's scrape targets at `GET /targets`
 * (Prometheus `http_sd_configs`, see discovery.ts); any other path: 404.
 */
export async function serveMetrics(metrics: Pick<HarnessMetrics, 'registry' | 'targets'>, options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const { registry, targets } = metrics;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/targets') {
      // The harness lists itself at the address the scraper used to reach it (its Host header),
      // which is right whether it listens on loopback or, in a container, on every interface.
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(targets.groups(req.headers.host)));
      return;
    }
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try GET /metrics or GET /targets\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new FaultlineError('FL_ENVIRONMENT', `cannot serve harness metrics on ${host}:${options.port}: ${error.message}; choose another --metrics-port`)),
    );
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
