import type { SloMetricKind } from '../../scenario/model.ts';
import type { MetricEvaluator } from '../evaluator.ts';
import { asyncCompletionRate } from './async-completion-rate.ts';
import { asyncDuplicates } from './async-duplicates.ts';
import { asyncLatencyPercentile } from './async-latency.ts';
import { messagesLost } from './messages-lost.ts';
import { timeToDrain } from './time-to-drain.ts';
import { breakerTimeToClose } from './breaker-time-to-close.ts';
import { breakerTimeToOpen } from './breaker-time-to-open.ts';
import { bulkheadRejections } from './bulkhead-rejections.ts';
import { dropped } from './dropped.ts';
import { duplicateSideEffects } from './duplicate-side-effects.ts';
import { errorRate } from './error-rate.ts';
import { fallbacks } from './fallbacks.ts';
import { latencyMax } from './latency-max.ts';
import { latencyMean } from './latency-mean.ts';
import { latencyPercentile } from './latency-percentile.ts';
import { retryAmplification } from './retry-amplification.ts';
import { shortCircuits } from './short-circuits.ts';
import { successRate } from './success-rate.ts';
import { throughput } from './throughput.ts';
import { timeToRecover } from './time-to-recover.ts';
import { timeouts } from './timeouts.ts';

/** Every SLO metric kind and how it is measured; the mapped type makes a missing kind a type
 * error. Adding a metric: one file in this folder, one line here (and its grammar word). */
export const evaluators: { readonly [K in SloMetricKind]: MetricEvaluator<K> } = {
  latency_percentile: latencyPercentile,
  latency_max: latencyMax,
  latency_mean: latencyMean,
  success_rate: successRate,
  error_rate: errorRate,
  throughput,
  dropped,
  time_to_recover: timeToRecover,
  retry_amplification: retryAmplification,
  breaker_time_to_open: breakerTimeToOpen,
  breaker_time_to_close: breakerTimeToClose,
  bulkhead_rejections: bulkheadRejections,
  timeouts,
  fallbacks,
  short_circuits: shortCircuits,
  duplicate_side_effects: duplicateSideEffects,
  async_completion_rate: asyncCompletionRate,
  async_latency_percentile: asyncLatencyPercentile,
  async_duplicates: asyncDuplicates,
  messages_lost: messagesLost,
  time_to_drain: timeToDrain,
};

export function evaluatorFor<K extends SloMetricKind>(kind: K): MetricEvaluator<K> {
  return evaluators[kind];
}
