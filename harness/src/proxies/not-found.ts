import { FaultlineError } from '../errors.ts';

/**
 * Toxiproxy answered an HTTP error status. The status is a field, not message text, so callers
 * tell "not found" (404: the proxy or toxic is not there) from every other failure by type.
 * A FaultlineError (FL_ENVIRONMENT) so that one escaping to the CLI still exits 3.
 */
export class ToxiproxyHttpError extends FaultlineError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, status: number, body: string, url?: string) {
    super('FL_ENVIRONMENT', `Toxiproxy${url ? ` at ${url}` : ''} answered ${status} to ${method} ${path}${body ? `: ${body.trim().slice(0, 200)}` : ''}`);
    this.name = 'ToxiproxyHttpError';
    this.status = status;
    this.method = method;
    this.path = path;
  }
}

/** True when Toxiproxy said the proxy or toxic does not exist (HTTP 404); false for anything
 * else, network failures included. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ToxiproxyHttpError && error.status === 404;
}
