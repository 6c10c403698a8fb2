import type { Handler } from './context.ts';
import { createProxy, deleteProxy, getProxy, listProxies, populate, updateProxy } from './routes/proxies.ts';
import { extensions, metrics, reset, version } from './routes/server.ts';
import { createToxic, deleteToxic, getToxic, listToxics, updateToxic } from './routes/toxics.ts';

interface Route {
  /** Path segments; `{name}` captures one segment. */
  readonly segments: readonly string[];
  /** Handlers by method; `*` answers every method. */
  readonly methods: Readonly<Partial<Record<string, Handler>>>;
}

function route(path: string, methods: Record<string, Handler>): Route {
  return { segments: path.split('/').slice(1), methods };
}

/** Toxiproxy's routes, matched strictly (no trailing-slash leniency), as gorilla/mux does. */
const routes: readonly Route[] = [
  route('/reset', { POST: reset }),
  route('/version', { GET: version }),
  // faultline's own (see routes/server.ts); Toxiproxy has no such route.
  route('/extensions', { GET: extensions }),
  route('/metrics', { '*': metrics }),
  route('/populate', { POST: populate }),
  route('/proxies', { GET: listProxies, POST: createProxy }),
  route('/proxies/{proxy}', { GET: getProxy, POST: updateProxy, PATCH: updateProxy, DELETE: deleteProxy }),
  route('/proxies/{proxy}/toxics', { GET: listToxics, POST: createToxic }),
  route('/proxies/{proxy}/toxics/{toxic}', { GET: getToxic, POST: updateToxic, PATCH: updateToxic, DELETE: deleteToxic }),
];

export type RouteMatch = { kind: 'handler'; handler: Handler; params: Record<string, string> } | { kind: 'not-found' } | { kind: 'method-not-allowed' };

function matchPath(route: Route, parts: readonly string[]): Record<string, string> | undefined {
  if (route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const want = route.segments[i]!;
    const got = parts[i]!;
    if (want.startsWith('{')) {
      if (got === '') return undefined;
      params[want.slice(1, -1)] = got;
    } else if (want !== got) return undefined;
  }
  return params;
}

/** Finds the handler for a method and path: 404 for an unknown path, 405 for a wrong method. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  let parts: string[];
  try {
    parts = pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return { kind: 'not-found' };
  }
  let pathKnown = false;
  for (const candidate of routes) {
    const params = matchPath(candidate, parts);
    if (!params) continue;
    pathKnown = true;
    const handler = candidate.methods[method] ?? candidate.methods['*'];
    if (handler) return { kind: 'handler', handler, params };
  }
  return pathKnown ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
}
