import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ProxyMetrics } from '../metrics.ts';
import { ApiError, type ProxyCollection } from '../proxy/collection.ts';
import type { HostGuard } from './host-guard.ts';
import { matchRoute } from './router.ts';
import { sendApiError, sendEmpty, sendNotFound, sendText } from './respond.ts';

const requestIdAlphabet = '0123456789abcdefghijklmnopqrstuv';
let requestCounter = 0;

/** A 20-character id in the alphabet of Toxiproxy's xids (for `X-Toxiproxy-Request-Id`). */
function requestId(): string {
  let value = BigInt(Date.now()) * 1_000_000n + BigInt(requestCounter++ % 1_000_000);
  let id = '';
  for (let i = 0; i < 20; i++) {
    id = requestIdAlphabet[Number(value & 31n)] + id;
    value >>= 5n;
  }
  return id;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The admin HTTP API: request id on every answer, then the guards that keep other origins out,
 * then strict routing and errors in Toxiproxy's shapes. The guards, in order:
 * - the browser guard: a `Mozilla/` user agent gets 403, as in Toxiproxy;
 * - the cross-origin guard: a request with an `Origin` header (only browsers send one, on every
 *   cross-origin fetch, form post and CORS preflight) gets 403. The API sends no
 *   `Access-Control-Allow-*` header on any answer, so no preflight is ever honoured either;
 * - the Host guard (DNS rebinding, see host-guard.ts): 403 naming what to do instead.
 */
export function createApiServer(proxies: ProxyCollection, metrics: () => ProxyMetrics[], hostGuard: HostGuard): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('X-Toxiproxy-Request-Id', requestId());
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      res.writeHead(403, { 'Content-Type': 'text/plain', 'Content-Length': 23 });
      res.end('User agent not allowed\n');
      return;
    }
    if (req.headers.origin !== undefined) {
      return sendApiError(
        res,
        new ApiError(
          'cross-origin request refused: the Toxiproxy API has no CORS and serves no web page; call it from a program (curl, a Toxiproxy client), not a browser',
          403,
        ),
      );
    }
    const hostRefusal = hostGuard(req.headers.host);
    if (hostRefusal !== undefined) return sendApiError(res, new ApiError(hostRefusal, 403));
    const pathname = (req.url ?? '/').split('?')[0]!;
    const match = matchRoute(req.method ?? 'GET', pathname);
    if (match.kind === 'not-found') return sendNotFound(res);
    if (match.kind === 'method-not-allowed') return sendEmpty(res, 405);
    try {
      await match.handler({ req, res, params: match.params, proxies, body: () => readBody(req), metrics });
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof ApiError) return sendApiError(res, error);
      sendText(res, 500, JSON.stringify({ error: error instanceof Error ? error.message : String(error), status: 500 }));
    }
  };
  // Node answers an HTTP/1.1 request without Host 400 itself (as Go's server does); an HTTP/1.0
  // one reaches the Host guard, which serves it (see host-guard.ts).
  const server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 30_000 }, (req, res) => void handle(req, res));
  return server;
}
