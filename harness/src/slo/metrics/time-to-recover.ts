import { measured, unmeasured, type EvaluationContext, type MetricEvaluator } from '../evaluator.ts';
import { nearestRank } from '../latency.ts';
import { errorRate, trafficPerBucket, type Traffic } from '../traffic.ts';

const BUCKET_MS = 1000;
/** Healthy buckets needed after the first one (fewer when the window ends sooner). */
const FOLLOWING_BUCKETS = 3;
const DEFAULT_ERROR_RATE = 0.01;
const DEFAULT_P99_MS = 1000;

interface Health {
  maxErrorRate: number;
  maxP99Ms: number;
}

/**
 * Time from the window start (use window `recovery`) to the start of the first 1-second bucket
 * that is healthy and stays healthy for the next 3 buckets (or until the window ends). Healthy:
 * error rate ≤ max(1 %, baseline error rate) and p99 ≤ max(2 × baseline p99, baseline p99 +
 * 50 ms); without a baseline, 1 % and 1000 ms. A bucket with nothing scheduled is healthy.
 */
export const timeToRecover: MetricEvaluator<'time_to_recover'> = {
  unit: 'ms',
  label: () => 'time to recover',
  measure(_metric, context) {
    const health = healthThresholds(context.baseline);
    const healthy = trafficPerBucket(context.recording, context.window, BUCKET_MS).map((bucket) => isHealthy(bucket, health));
    for (let index = 0; index < healthy.length; index++) {
      const required = healthy.slice(index, index + 1 + FOLLOWING_BUCKETS);
      if (required.every(Boolean)) return measured(index * BUCKET_MS);
    }
    return unmeasured(`the service never recovered in window ${context.window.name}`);
  },
};

function healthThresholds(baseline: EvaluationContext['baseline']): Health {
  const baselineErrorRate = baseline ? errorRate(baseline) : undefined;
  const baselineP99 = baseline ? nearestRank(baseline.latencies, 99) : undefined;
  return {
    maxErrorRate: Math.max(DEFAULT_ERROR_RATE, baselineErrorRate ?? 0),
    maxP99Ms: baselineP99 === undefined ? DEFAULT_P99_MS : Math.max(2 * baselineP99, baselineP99 + 50),
  };
}

function isHealthy(bucket: Traffic, health: Health): boolean {
  const rate = errorRate(bucket) ?? 0;
  const p99 = nearestRank(bucket.latencies, 99) ?? 0;
  return rate <= health.maxErrorRate && p99 <= health.maxP99Ms;
}
