import {
  type BulkheadPolicy,
  ConsecutiveBreaker,
  ConstantBackoff,
  DelegateBackoff,
  SamplingBreaker,
  bulkhead,
  circuitBreaker,
  handleWhen,
  noop,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
  type IBackoffFactory,
} from 'cockatiel';
import type { BreakerEventLog } from '../breaker-events.ts';
import { zeroBreaker, type ServiceMetrics } from '../metrics.ts';
import type { BreakerPolicyConfig, DependencyPolicy, RetryPolicyConfig } from '../profile/schema.ts';
import type { Random } from '../random.ts';
import { watchBreaker } from './breaker-telemetry.ts';
import { isTransientFailure } from './errors.ts';
import { RetryBudget } from './retry-budget.ts';

/** The composed policies of one dependency, shared by every call to it. */
export interface DependencyPolicies {
  /** For calls that may be retried (idempotent, or the profile retries everything). */
  retryable: IPolicy;
  /** For calls that must not be repeated: the same bulkhead and breaker, no retry. */
  once: IPolicy;
  budget: RetryBudget | undefined;
  breaker: CircuitBreakerPolicy | undefined;
  bulkhead: BulkheadPolicy | undefined;
}

/**
 * Composes one dependency's policies, outermost first:
 *
 *   bulkhead → retry → circuit breaker → timeout → attempt
 *
 * - The bulkhead is outermost so a logical call holds one slot for all its attempts and
 *   backoff pauses: retries can never push concurrency past the limit, and a full bulkhead
 *   fails fast before any other work.
 * - Retry wraps the breaker so that once the breaker opens, the remaining retries
 *   short-circuit at once instead of hitting a dependency known to be down (a short-circuit is
 *   not retried).
 * - The breaker sees every attempt, so it learns from each network failure, not only from
 *   whole calls.
 * - The timeout is innermost, so it bounds each attempt (not the whole call) and a timed-out
 *   attempt is a failure the breaker and the retry both see. It is cooperative: it aborts the
 *   signal the undici request carries, so the request is really cancelled, and the attempt
 *   reports the timeout. The propagated deadline caps it further, per call (dependency-client.ts).
 * - Fallback is applied by the client around all of this, because its value depends on the
 *   call (e.g. the cached passenger for this id).
 */
export function buildPolicies(
  dependency: string,
  policy: DependencyPolicy,
  metrics: ServiceMetrics,
  random: Random,
  breakerEvents?: BreakerEventLog | undefined,
): DependencyPolicies {
  const labels = { dependency };
  const budget = policy.retry?.budget ? new RetryBudget(policy.retry.budget) : undefined;

  let bulkheadPolicy: BulkheadPolicy | undefined;
  if (policy.bulkhead) {
    const { limit, queue } = policy.bulkhead;
    const bh = bulkhead(limit, queue);
    bh.onReject(() => metrics.bulkheadRejections.inc(labels));
    // The gauges read the bulkhead's own slot counts at scrape time.
    metrics.beforeScrape.push(() => {
      metrics.bulkheadActive.set(labels, limit - bh.executionSlots);
      metrics.bulkheadQueued.set(labels, queue - bh.queueSlots);
    });
    bulkheadPolicy = bh;
  }

  let breakerPolicy: CircuitBreakerPolicy | undefined;
  if (policy.breaker) {
    breakerPolicy = circuitBreaker(handleWhen(isTransientFailure), { halfOpenAfter: policy.breaker.halfOpenAfterMs, breaker: makeBreaker(policy.breaker) });
    zeroBreaker(metrics, dependency);
    watchBreaker(breakerPolicy, dependency, metrics, breakerEvents);
  }

  let retryPolicy: IPolicy = noop;
  if (policy.retry) {
    const config = policy.retry;
    const shouldRetry = (error: Error) => isTransientFailure(error) && (budget ? budget.hasRoom() : true);
    const rp = retry(handleWhen(shouldRetry), { maxAttempts: config.maxRetries, backoff: makeBackoff(config, random) });
    if (budget) rp.onRetry(() => budget.recordRetry());
    retryPolicy = rp;
  }

  const outer = bulkheadPolicy ?? noop;
  const breakerOrNoop = breakerPolicy ?? noop;
  const timeoutPolicy = policy.timeoutMs ? timeout(policy.timeoutMs, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: true }) : noop;
  return {
    retryable: wrap(outer, retryPolicy, breakerOrNoop, timeoutPolicy),
    once: wrap(outer, breakerOrNoop, timeoutPolicy),
    budget,
    breaker: breakerPolicy,
    bulkhead: bulkheadPolicy,
  };
}

function makeBreaker(config: BreakerPolicyConfig) {
  return config.kind === 'consecutive'
    ? new ConsecutiveBreaker(config.threshold)
    : new SamplingBreaker({ threshold: config.threshold, duration: config.durationMs, minimumRps: config.minimumRps });
}

/** Delays from the seeded generator, so a run's retry spacing repeats with its seed. */
export function makeBackoff(config: RetryPolicyConfig, random: Random): IBackoffFactory<unknown> {
  if (config.backoff === 'constant' && !config.jitter) return new ConstantBackoff(config.initialDelayMs);
  return new DelegateBackoff<{ attempt: number }>((context) => {
    const base = config.backoff === 'constant' ? config.initialDelayMs : config.initialDelayMs * 2 ** (context.attempt - 1);
    const capped = Math.min(config.maxDelayMs, base);
    return config.jitter ? capped / 2 + (random() * capped) / 2 : capped;
  }) as IBackoffFactory<unknown>;
}
