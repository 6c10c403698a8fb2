import { Pool } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { BreakerEventLog } from '../breaker-events.ts';
import { DEADLINE_HEADER, type Deadline } from '../deadline.ts';
import type { CallOutcome, ServiceMetrics } from '../metrics.ts';
import type { DependencyPolicy } from '../profile/schema.ts';
import type { Random } from '../random.ts';
import { CallRecord } from './call-record.ts';
import { AttemptTimeoutError, DeadlineExceededError, DependencyError, HttpStatusError, attemptOutcomeOf, callOutcomeOf } from './errors.ts';
import type { OutboundSlots } from './outbound-slots.ts';
import { buildPolicies, type DependencyPolicies } from './policies.ts';

export interface DependencyResponse {
  status: number;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  headers?: IncomingHttpHeaders;
}

/** A response and how it was obtained: from the dependency, or from the caller's fallback. */
export interface DependencyResult extends DependencyResponse {
  /** Why the call ended: `success` when the dependency answered, else how it failed. */
  outcome: CallOutcome;
  /** True when the caller's fallback answered instead of the dependency (outcome is then the failure). */
  fallback: boolean;
}

export interface DependencyRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/passengers/p-1`. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as `Idempotency-Key`; marks a POST as safe to retry. */
  idempotencyKey?: string | undefined;
  /** Caller's deadline: caps every attempt's timeout, and travels in `x-request-deadline-ms`. */
  deadline?: Deadline | undefined;
  /** Answer when the call fails and the profile enables fallback; undefined = no fallback. */
  fallback?: (() => DependencyResponse | undefined) | undefined;
  /** Aborts the whole call (all attempts). */
  signal?: AbortSignal;
}

export interface DependencyClientOptions {
  /** Dependency (callee service) name; the `dependency` metric label. */
  dependency: string;
  /** Origin of the callee, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  policy: DependencyPolicy;
  metrics: ServiceMetrics;
  /** Seeded source for retry jitter. */
  random: Random;
  /** Send the remaining deadline budget in a header. Default false. */
  propagateDeadline?: boolean;
  /** Calls end this long before the caller's deadline, leaving it time for a fallback and the
   * reply. Default 0. */
  deadlineReserveMs?: number;
  /** The service's process-wide budget of concurrent outbound requests, shared with its other
   * dependency clients. Default: unlimited. */
  outboundSlots?: OutboundSlots;
  /** Where the breaker records each transition with its time (the service's admin route
   * reads it). Default: none, transitions are only counted. */
  breakerEvents?: BreakerEventLog | undefined;
}

const idempotentMethods = new Set(['GET', 'PUT', 'DELETE']);

/**
 * The resilient HTTP client for one dependency: a keep-alive undici Pool behind the profile's
 * policies. Every call is counted once, when it ends (call-record.ts): its duration by outcome
 * and fallback, and either the call with all its network attempts or, when it never reached
 * the network, as unsent.
 */
export class DependencyClient {
  readonly dependency: string;
  private readonly pool: Pool;
  private readonly policies: DependencyPolicies;

  constructor(private readonly options: DependencyClientOptions) {
    this.dependency = options.dependency;
    this.pool = new Pool(options.baseUrl);
    this.policies = buildPolicies(options.dependency, options.policy, options.metrics, options.random, options.breakerEvents);
  }

  get breaker() {
    return this.policies.breaker;
  }

  async request(request: DependencyRequest): Promise<DependencyResult> {
    const { metrics, policy } = this.options;
    const startedMs = performance.now();
    const record = new CallRecord();
    let outcome: CallOutcome = 'success';
    let fallback = false;
    this.policies.budget?.recordCall();
    const mayRetry = idempotentMethods.has(request.method) || request.idempotencyKey !== undefined || policy.retry?.onlyIdempotent === false;
    const chain = mayRetry ? this.policies.retryable : this.policies.once;
    try {
      const response = await chain.execute(({ signal }) => this.attempt(request, signal, record), request.signal);
      return { ...response, outcome, fallback };
    } catch (error) {
      const failed = callOutcomeOf(error);
      outcome = failed;
      const answer = policy.fallback && request.fallback ? request.fallback() : undefined;
      if (answer) {
        fallback = true;
        return { ...answer, outcome, fallback };
      }
      throw new DependencyError(this.dependency, failed, error);
    } finally {
      record.end(metrics, this.dependency, { outcome, fallback, seconds: (performance.now() - startedMs) / 1000 });
    }
  }

  /**
   * One try. `policySignal` aborts on the profile timeout or the caller's abort. A try that finds
   * the caller's deadline already spent sends nothing and is no network attempt.
   */
  private async attempt(request: DependencyRequest, policySignal: AbortSignal, record: CallRecord): Promise<DependencyResponse> {
    const remainingMs = request.deadline ? Math.max(0, request.deadline.remainingMs() - (this.options.deadlineReserveMs ?? 0)) : undefined;
    if (remainingMs !== undefined && remainingMs <= 0) throw new DeadlineExceededError(this.dependency);
    const deadlineSignal = remainingMs !== undefined ? AbortSignal.timeout(remainingMs) : undefined;
    const signal = deadlineSignal ? AbortSignal.any([policySignal, deadlineSignal]) : policySignal;
    try {
      const response = await this.send(request, signal, remainingMs);
      if (response.status >= 500 || response.status === 429) throw new HttpStatusError(this.dependency, response.status, response.body);
      record.attempted('success');
      return response;
    } catch (raw) {
      const error = this.classify(raw, request, policySignal, deadlineSignal);
      record.attempted(error instanceof DeadlineExceededError ? 'timeout' : attemptOutcomeOf(error));
      throw error;
    }
  }

  private classify(error: unknown, request: DependencyRequest, policySignal: AbortSignal, deadlineSignal: AbortSignal | undefined): unknown {
    if (error instanceof HttpStatusError || request.signal?.aborted) return error;
    if (deadlineSignal?.aborted) return new DeadlineExceededError(this.dependency);
    if (policySignal.aborted) return new AttemptTimeoutError(this.dependency, this.options.policy.timeoutMs ?? 0);
    return error;
  }

  private async send(request: DependencyRequest, signal: AbortSignal, remainingMs: number | undefined): Promise<DependencyResponse> {
    // Waiting for a slot is part of the attempt: the attempt's timeout covers it.
    const release = await this.options.outboundSlots?.acquire(signal);
    try {
      return await this.sendNow(request, signal, remainingMs);
    } finally {
      release?.();
    }
  }

  private async sendNow(request: DependencyRequest, signal: AbortSignal, remainingMs: number | undefined): Promise<DependencyResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    if (this.options.propagateDeadline && remainingMs !== undefined) headers[DEADLINE_HEADER] = String(remainingMs);
    const response = await this.pool.request({
      method: request.method,
      path: request.path,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal,
    });
    const text = await response.body.text();
    const isJson = String(response.headers['content-type'] ?? '').includes('json');
    return { status: response.statusCode, body: isJson && text ? safeJson(text) : text, headers: response.headers as IncomingHttpHeaders };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
