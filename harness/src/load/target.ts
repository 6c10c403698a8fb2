import { Pool } from 'undici';
import { FaultlineError } from '../errors.ts';
import type { LoadSpec } from '../scenario/model.ts';

/** Keep-alive connections opened at most, however high maxInFlight is; beyond it requests wait in the pool. */
export const MAX_CONNECTIONS = 1024;

/**
 * The keep-alive connection pool to the load's base URL, sized to the in-flight cap so that a
 * request handed to it is written at once rather than queued behind others. Undici's own
 * header/body timeouts equal the client timeout as a backstop; the run's deadline queue usually
 * fires first.
 */
export function createPool(origin: string, spec: LoadSpec): Pool {
  return new Pool(origin, {
    connections: Math.max(1, Math.min(spec.maxInFlight, MAX_CONNECTIONS)),
    pipelining: 1,
    connectTimeout: Math.min(spec.timeoutMs, 10_000),
    headersTimeout: spec.timeoutMs,
    bodyTimeout: spec.timeoutMs,
  });
}

/** Request headers, computed once: the spec's, plus a JSON content type when there is a body. */
export function requestHeaders(spec: LoadSpec): Record<string, string> {
  const headers: Record<string, string> = { ...spec.headers };
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (spec.body !== undefined && !hasContentType) headers['content-type'] = 'application/json';
  return headers;
}

/**
 * Splits the base URL into the origin the pool connects to and the path every request starts
 * with, so a base URL such as `http://127.0.0.1:8080/api` works (undici pools take origins only).
 */
export function resolveTarget(baseUrl: string, path: string): { origin: string; path: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new FaultlineError('FL_USAGE', `load target ${JSON.stringify(baseUrl)} is not a URL`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FaultlineError('FL_USAGE', `load target ${baseUrl} must be an http(s) URL`);
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, path: prefix + (path.startsWith('/') ? path : `/${path}`) };
}
