import type { IncomingHttpHeaders } from 'node:http';
import type { Deadline } from '../deadline.ts';

/** What a route handler gets for one request. */
export interface RequestContext {
  params: Readonly<Record<string, string>>;
  /** Parsed JSON body; undefined when there was none. */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** Absolute deadline from `x-request-deadline-ms`; undefined when the caller sent none. */
  deadline: Deadline | undefined;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Pattern with `:name` segments, e.g. `/trips/:id`; also the `route` metric label. */
  path: string;
  handler(ctx: RequestContext): Promise<Reply> | Reply;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Finds the route for a method and path; `methodMismatch` when the path exists for others. */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch | { methodMismatch: boolean } {
  const parts = pathname.split('/');
  let pathExists = false;
  for (const route of routes) {
    const params = matchPath(route.path.split('/'), parts);
    if (!params) continue;
    if (route.method === method) return { route, params };
    pathExists = true;
  }
  return { methodMismatch: pathExists };
}

function matchPath(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = parts[i]!;
    if (want.startsWith(':')) {
      if (!got) return undefined;
      params[want.slice(1)] = decodeURIComponent(got);
    } else if (want !== got) return undefined;
  }
  return params;
}
