import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { BreakerEventLog } from '../breaker-events.ts';
import { deadlineFromHeader } from '../deadline.ts';
import type { ServiceMetrics } from '../metrics.ts';
import { adminSecretChecker, adminSecretHeader } from './admin-secret.ts';
import { parseFault, type FaultHook } from './fault-hook.ts';
import { BadRequestError, errorReply, isLoopback, readJsonBody, sendReply } from './http-io.ts';
import { matchRoute, type Reply, type Route } from './router.ts';

export interface HttpAppOptions {
  routes: readonly Route[];
  metrics: ServiceMetrics;
  faultHook: FaultHook;
  /** The service's breaker transitions, read by `GET /__faultline/breaker-events`. */
  breakerEvents?: BreakerEventLog | undefined;
  /** The per-run secret every `/__faultline/*` request must carry in `x-faultline-secret`.
   * Undefined: the admin routes do not exist (404, like any unknown path). */
  adminSecret?: string;
  /** Body of `GET /health`. */
  health: () => Record<string, unknown>;
}

/** A request listener plus what graceful shutdown needs: how many requests are in flight. */
export interface HttpApp {
  listener: RequestListener;
  inFlight(): number;
  /** Resolves once no request is in flight. */
  whenIdle(): Promise<void>;
}

const faultPath = '/__faultline/fault';
const breakerEventsPath = '/__faultline/breaker-events';

/**
 * The HTTP surface every service shares: health, metrics, the fault hook admin routes, then
 * the service's own routes behind the fault hook and the deadline check.
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { metrics } = options;
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];
  const adminAllowed = options.adminSecret ? adminSecretChecker(options.adminSecret) : undefined;

  async function handle(req: IncomingMessage): Promise<{ route: string; reply: Reply }> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (url.pathname === '/health' && method === 'GET') return { route: '/health', reply: { status: 200, body: options.health() } };
    if (url.pathname === '/metrics' && method === 'GET') {
      const text = await metrics.registry.metrics();
      return { route: '/metrics', reply: { status: 200, body: text, headers: { 'content-type': metrics.registry.contentType } } };
    }
    // Without a secret the hook is absent: the same 404 as any unknown path (no hint it exists).
    if (url.pathname === faultPath && adminAllowed) {
      return { route: faultPath, reply: adminRefusal(req, adminAllowed) ?? (await handleFaultAdmin(req, method, options.faultHook)) };
    }
    if (url.pathname === breakerEventsPath && adminAllowed) {
      return { route: breakerEventsPath, reply: adminRefusal(req, adminAllowed) ?? breakerEventsReply(method, url, options.breakerEvents) };
    }

    const match = matchRoute(options.routes, method, url.pathname);
    if (!('route' in match)) {
      const reply = match.methodMismatch
        ? errorReply(405, 'method_not_allowed', `${method} not allowed on ${url.pathname}`)
        : errorReply(404, 'not_found', `no route ${url.pathname}`);
      return { route: 'unmatched', reply };
    }
    // The route label uses the OpenAPI template spelling, e.g. /trips/{id}.
    const route = match.route.path.replace(/:(\w+)/g, '{$1}');
    const deadline = deadlineFromHeader(req.headers['x-request-deadline-ms']);
    if (deadline?.expired()) return { route, reply: errorReply(504, 'deadline_exceeded', 'the caller’s deadline had passed on arrival') };
    const injected = await options.faultHook.apply();
    if (injected) return { route, reply: injected };
    // Past the deadline (e.g. after an injected processing delay) the answer is useless: stop.
    if (deadline?.expired()) return { route, reply: errorReply(504, 'deadline_exceeded', 'deadline passed before the work started') };
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (error) {
      if (error instanceof BadRequestError) return { route, reply: errorReply(400, 'bad_request', error.message) };
      throw error;
    }
    const reply = await match.route.handler({ params: match.params, body, headers: req.headers, deadline });
    return { route, reply };
  }

  const listener: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    const startedMs = performance.now();
    inFlight++;
    void handle(req)
      .catch((error: unknown) => ({ route: 'error', reply: errorReply(500, 'internal', error instanceof Error ? error.message : String(error)) }))
      .then(({ route, reply }) => {
        // Drain any unread body so the keep-alive connection stays usable.
        if (!req.complete) req.resume();
        sendReply(res, reply);
        metrics.httpServerDuration.observe({ route, method: req.method ?? 'GET', status: String(reply.status) }, (performance.now() - startedMs) / 1000);
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          waiters.forEach((wake) => wake());
        }
      });
  };

  return {
    listener,
    inFlight: () => inFlight,
    whenIdle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
}

/** Why an admin request is refused (not a loopback peer, missing or wrong secret), or undefined
 * when it may proceed. Every `/__faultline/*` route asks this first. */
function adminRefusal(req: IncomingMessage, allowed: (header: string | string[] | undefined) => boolean): Reply | undefined {
  if (!isLoopback(req.socket.remoteAddress)) return errorReply(403, 'forbidden', 'the fault hook answers loopback peers only');
  if (!allowed(req.headers[adminSecretHeader])) {
    return errorReply(401, 'unauthorized', `missing or wrong ${adminSecretHeader} header: send the FAULTLINE_ADMIN_SECRET this service was started with`);
  }
  return undefined;
}

/** `GET /__faultline/breaker-events?after=<seq>`: the transitions after `seq` (default 0: all
 * the log still holds). A service without breakers answers an empty log. */
function breakerEventsReply(method: string, url: URL, log: BreakerEventLog | undefined): Reply {
  if (method !== 'GET') return errorReply(405, 'method_not_allowed', `${method} not allowed on ${breakerEventsPath}`);
  const afterText = url.searchParams.get('after') ?? '0';
  const after = /^\d{1,15}$/.test(afterText) ? Number(afterText) : undefined;
  if (after === undefined) return errorReply(400, 'bad_request', `after: expected a sequence number (0 or more), got '${afterText}'`);
  if (!log) return { status: 200, body: { instance: 'none', capacity: 0, lastSeq: 0, missed: 0, events: [] } };
  return { status: 200, body: log.since(after) };
}

async function handleFaultAdmin(req: IncomingMessage, method: string, hook: FaultHook): Promise<Reply> {
  if (method === 'GET') return { status: 200, body: hook.current ?? {} };
  if (method === 'DELETE') {
    hook.clear();
    return { status: 204 };
  }
  if (method === 'PUT') {
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (error) {
      return errorReply(400, 'bad_request', (error as Error).message);
    }
    const fault = parseFault(body);
    if (typeof fault === 'string') return errorReply(400, 'bad_request', fault);
    hook.set(fault);
    return { status: 200, body: fault };
  }
  return errorReply(405, 'method_not_allowed', `${method} not allowed on ${faultPath}`);
}
