import { Pool } from 'undici';
import type { LoadSpec } from '../scenario/model.ts';

/** Keep-alive connections opened at most, however high maxInFlight is; beyond it requests wait in the pool. */
export const MAX_CONNECTIONS = 1024;

/**
 * The keep-alive connection pool to the load's base URL, sized to the in-flight cap so that a
 * request handed to it is written at once rather than queued behind others. Undici's own
 * header/body timeouts equal the client timeout as a backstop; the run's deadline queue usually
 * fires first.
 */
export function createPool(baseUrl: string, spec: LoadSpec): Pool {
  return new Pool(baseUrl, {
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
