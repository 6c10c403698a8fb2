import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Why one logical dependency call ended: the dependency answered (`success`), or how it failed.
 * Whether a fallback then answered the caller is a separate fact (the `fallback` label), so a
 * short-circuited call rescued by its fallback still counts as a short circuit.
 */
export const callOutcomes = ['success', 'error', 'timeout', 'rejected', 'short_circuit'] as const;
export type CallOutcome = (typeof callOutcomes)[number];
/** How a call failed: every outcome but success. */
export type FailedCallOutcome = Exclude<CallOutcome, 'success'>;
export const failedCallOutcomes = callOutcomes.filter((o): o is FailedCallOutcome => o !== 'success');
/** What one network attempt got. */
export const attemptOutcomes = ['success', 'error', 'timeout'] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];
export const breakerStates = ['closed', 'open', 'half_open', 'isolated'] as const;
export type BreakerStateName = (typeof breakerStates)[number];

const latencyBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every metric family of one service, in its own registry. The `service` label is a default
 * label of the registry, so each series carries it without every call site repeating it.
 */
export interface ServiceMetrics {
  registry: Registry;
  httpServerDuration: Histogram<'route' | 'method' | 'status'>;
  dependencyDuration: Histogram<'dependency' | 'outcome' | 'fallback'>;
  dependencyCalls: Counter<'dependency'>;
  dependencyAttempts: Counter<'dependency' | 'outcome'>;
  dependencyUnsent: Counter<'dependency' | 'outcome'>;
  breakerState: Gauge<'dependency'>;
  breakerTransitions: Counter<'dependency' | 'from' | 'to'>;
  /** Seconds spent in each state; brought up to date at each scrape (client/breaker-telemetry.ts). */
  breakerStateSeconds: Counter<'dependency' | 'state'>;
  bulkheadActive: Gauge<'dependency'>;
  bulkheadQueued: Gauge<'dependency'>;
  bulkheadRejections: Counter<'dependency'>;
  sideEffects: Counter<'effect'>;
  sideEffectDuplicates: Counter<'effect'>;
  injectedFaults: Counter<'kind'>;
  /** Run before each scrape: live gauges (bulkhead slots) read their source here. */
  beforeScrape: Array<() => void>;
}

export interface ServiceMetricsOptions {
  service: string;
  /** Dependencies known at start: their series are exposed at 0 before any traffic. */
  dependencies: readonly string[];
  /** Side effects this service performs, exposed at 0 from start. */
  effects: readonly string[];
  /** Node process metrics (CPU, heap, event loop). Default true. */
  processMetrics?: boolean | undefined;
}

export function createServiceMetrics(options: ServiceMetricsOptions): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const beforeScrape: Array<() => void> = [];
  const sampleLive = () => beforeScrape.forEach((sample) => sample());
  const metrics: ServiceMetrics = {
    beforeScrape,
    registry,
    httpServerDuration: new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Server-side request duration by route, method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: latencyBucketsSeconds,
      registers,
    }),
    dependencyDuration: new Histogram({
      name: 'dependency_request_duration_seconds',
      help: 'Duration of one logical dependency call (all attempts), by why it ended (outcome) and whether a fallback answered (fallback).',
      labelNames: ['dependency', 'outcome', 'fallback'],
      buckets: latencyBucketsSeconds,
      registers,
    }),
    dependencyCalls: new Counter({
      name: 'dependency_calls_total',
      help: 'Logical calls that made at least one network attempt, counted when the call ends, together with its attempts.',
      labelNames: ['dependency'],
      registers,
    }),
    dependencyAttempts: new Counter({
      name: 'dependency_attempts_total',
      help: 'Network attempts of the calls in dependency_calls_total, counted when their call ends; attempts/calls is retry amplification.',
      labelNames: ['dependency', 'outcome'],
      registers,
    }),
    dependencyUnsent: new Counter({
      name: 'dependency_calls_unsent_total',
      help: 'Logical calls that ended before any network attempt (breaker open, bulkhead full, deadline spent), by outcome; not in dependency_calls_total.',
      labelNames: ['dependency', 'outcome'],
      registers,
    }),
    breakerState: new Gauge({
      name: 'circuit_breaker_state',
      help: 'Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 isolated.',
      labelNames: ['dependency'],
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'circuit_breaker_transitions_total',
      help: 'Circuit breaker state changes, by the state left and the state entered.',
      labelNames: ['dependency', 'from', 'to'],
      registers,
    }),
    breakerStateSeconds: new Counter({
      name: 'circuit_breaker_state_seconds_total',
      help: 'Seconds a circuit breaker has spent in each state, exact at each scrape.',
      labelNames: ['dependency', 'state'],
      registers,
      collect: sampleLive,
    }),
    bulkheadActive: new Gauge({
      name: 'bulkhead_active',
      help: 'Calls executing inside the bulkhead.',
      labelNames: ['dependency'],
      registers,
      collect: sampleLive,
    }),
    bulkheadQueued: new Gauge({
      name: 'bulkhead_queued',
      help: 'Calls waiting in the bulkhead queue.',
      labelNames: ['dependency'],
      registers,
      collect: sampleLive,
    }),
    bulkheadRejections: new Counter({
      name: 'bulkhead_rejections_total',
      help: 'Calls rejected because the bulkhead and its queue were full.',
      labelNames: ['dependency'],
      registers,
    }),
    sideEffects: new Counter({ name: 'side_effects_total', help: 'Side effects performed (e.g. a driver assigned).', labelNames: ['effect'], registers }),
    sideEffectDuplicates: new Counter({
      name: 'side_effect_duplicates_total',
      help: 'Side effects performed again for the same subject (e.g. a second driver for one trip).',
      labelNames: ['effect'],
      registers,
    }),
    injectedFaults: new Counter({
      name: 'faultline_injected_faults_total',
      help: 'Faults injected by the service-level fault hook, by kind.',
      labelNames: ['kind'],
      registers,
    }),
  };
  for (const dependency of options.dependencies) zeroDependency(metrics, dependency);
  for (const effect of options.effects) {
    metrics.sideEffects.labels({ effect }).inc(0);
    metrics.sideEffectDuplicates.labels({ effect }).inc(0);
  }
  for (const kind of ['status', 'delay']) metrics.injectedFaults.labels({ kind }).inc(0);
  return metrics;
}

/**
 * Exposes a dependency's series at 0, so a scrape sees them before the first call. The breaker's
 * series are not among them: they exist only where the profile has a breaker (see
 * zeroBreaker), so a report or dashboard never shows a breaker "closed" that is not there.
 */
export function zeroDependency(metrics: ServiceMetrics, dependency: string): void {
  metrics.dependencyCalls.labels({ dependency }).inc(0);
  for (const outcome of attemptOutcomes) metrics.dependencyAttempts.labels({ dependency, outcome }).inc(0);
  for (const outcome of failedCallOutcomes) metrics.dependencyUnsent.labels({ dependency, outcome }).inc(0);
  // Every possible (outcome, fallback) pair: a fallback only ever answers a failed call.
  metrics.dependencyDuration.zero({ dependency, outcome: 'success', fallback: 'false' });
  for (const outcome of failedCallOutcomes) for (const fallback of ['true', 'false']) metrics.dependencyDuration.zero({ dependency, outcome, fallback });
  metrics.bulkheadActive.labels({ dependency }).set(0);
  metrics.bulkheadQueued.labels({ dependency }).set(0);
  metrics.bulkheadRejections.labels({ dependency }).inc(0);
}

/** The transitions a breaker makes in normal operation (isolation is manual, never by traffic):
 * exposed at 0 so `increase()` sees the first one. */
export const breakerTransitionPairs = [
  ['closed', 'open'],
  ['open', 'half_open'],
  ['half_open', 'closed'],
  ['half_open', 'open'],
] as const satisfies ReadonlyArray<readonly [BreakerStateName, BreakerStateName]>;

/** Exposes a dependency's breaker series at 0 (closed, no transition): it has a breaker. */
export function zeroBreaker(metrics: ServiceMetrics, dependency: string): void {
  metrics.breakerState.labels({ dependency }).set(0);
  for (const [from, to] of breakerTransitionPairs) metrics.breakerTransitions.labels({ dependency, from, to }).inc(0);
  for (const state of breakerStates) metrics.breakerStateSeconds.labels({ dependency, state }).inc(0);
}
