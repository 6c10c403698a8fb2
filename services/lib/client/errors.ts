import { BrokenCircuitError, BulkheadRejectedError, IsolatedCircuitError } from 'cockatiel';
import type { AttemptOutcome, FailedCallOutcome } from '../metrics.ts';

/** The dependency answered with a status that counts as a failure (5xx, 429). */
export class HttpStatusError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(dependency: string, status: number, body: unknown) {
    super(`${dependency} answered ${status}`);
    this.name = 'HttpStatusError';
    this.status = status;
    this.body = body;
  }
}

/** One attempt ran past its timeout (or the propagated deadline) and was aborted. */
export class AttemptTimeoutError extends Error {
  constructor(dependency: string, timeoutMs: number) {
    super(`${dependency} did not answer within ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/** The caller's deadline had already passed: no attempt was made. */
export class DeadlineExceededError extends Error {
  constructor(dependency: string) {
    super(`deadline exceeded before calling ${dependency}`);
    this.name = 'DeadlineExceededError';
  }
}

/** A logical call failed; `outcome` says how (timeout, short_circuit, …), `cause` the last error. */
export class DependencyError extends Error {
  readonly dependency: string;
  readonly outcome: FailedCallOutcome;
  /** Status of the last answer, when the dependency answered at all. */
  readonly status: number | undefined;
  constructor(dependency: string, outcome: DependencyError['outcome'], cause: unknown) {
    super(`call to ${dependency} failed (${outcome}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DependencyError';
    this.dependency = dependency;
    this.outcome = outcome;
    this.status = cause instanceof HttpStatusError ? cause.status : undefined;
  }
}

/** Failures worth another attempt and worth counting against the breaker. */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof HttpStatusError || error instanceof AttemptTimeoutError) return true;
  if (error instanceof DeadlineExceededError || error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError) return false;
  // Network-level failures from undici: refused, reset, closed, header/body timeouts.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || code.startsWith('E')) && code !== 'UND_ERR_ABORTED';
}

/** Why a call failed, from the error its last try ended with. */
export function callOutcomeOf(error: unknown): FailedCallOutcome {
  if (error instanceof BulkheadRejectedError) return 'rejected';
  if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) return 'short_circuit';
  if (error instanceof AttemptTimeoutError || error instanceof DeadlineExceededError) return 'timeout';
  return 'error';
}

export function attemptOutcomeOf(error: unknown): AttemptOutcome {
  return error instanceof AttemptTimeoutError ? 'timeout' : 'error';
}
