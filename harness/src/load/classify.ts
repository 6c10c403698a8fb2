import type { RequestErrorKind } from '../model/recording.ts';

/** Raised (as an abort reason) when a request outlives the client timeout. */
export class ClientTimeoutError extends Error {
  readonly code = 'FL_CLIENT_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`request timed out after ${timeoutMs} ms`);
    this.name = 'ClientTimeoutError';
  }
}

const TIMEOUT_CODES = new Set(['FL_CLIENT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
// A connect timeout means no connection was made, which is what `connect` reports.
const CONNECT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

/** Sorts a request failure into the recording's error kinds, by the error's code (or its cause's). */
export function classifyError(error: unknown): RequestErrorKind {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (TIMEOUT_CODES.has(code)) return 'timeout';
      if (CONNECT_CODES.has(code)) return 'connect';
      if (RESET_CODES.has(code)) return 'reset';
    }
    current = (current as { cause?: unknown }).cause;
  }
  return 'other';
}

/** A lookup table from status code to "counts as success"; default 200–399. */
export function successTable(successStatuses?: readonly number[]): Uint8Array {
  const table = new Uint8Array(1000);
  if (successStatuses === undefined) table.fill(1, 200, 400);
  else for (const status of successStatuses) if (status >= 0 && status < 1000) table[status] = 1;
  return table;
}
