import type { SloSpec } from '../scenario/model.ts';
import { isAsyncMetric } from '../scenario/slo-grammar.ts';

/** One SLO k6 can check itself, as a k6 threshold expression on a built-in metric. */
export interface K6Threshold {
  /** k6 metric: `http_req_duration`, `http_req_failed`, `http_reqs` or `dropped_iterations`. */
  metric: string;
  /** k6 threshold expression, e.g. `p(90)<500`. */
  expression: string;
  slo: SloSpec;
  /** Where k6's number differs from faultline's, one sentence saying how. */
  caveat?: string;
}

/** An SLO left to faultline, with the reason k6 cannot check it. */
export interface SkippedSlo {
  slo: SloSpec;
  reason: string;
}

export interface ThresholdTranslation {
  thresholds: K6Threshold[];
  skipped: SkippedSlo[];
}

const flipped = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' } as const;

/** 0.010000000000000009 → 0.01: thresholds are written by people, keep them readable. */
function tidy(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** The k6 form of one whole-run, client-side SLO; undefined when k6 has no such aggregate. */
function translate(slo: SloSpec): Omit<K6Threshold, 'slo'> | undefined {
  const { metric, op, threshold } = slo;
  switch (metric.kind) {
    case 'latency_percentile':
      return { metric: 'http_req_duration', expression: `p(${metric.percentile})${op}${tidy(threshold)}` };
    case 'latency_max':
      return { metric: 'http_req_duration', expression: `max${op}${tidy(threshold)}` };
    case 'latency_mean':
      return { metric: 'http_req_duration', expression: `avg${op}${tidy(threshold)}` };
    case 'error_rate':
      return {
        metric: 'http_req_failed',
        expression: `rate${op}${tidy(threshold)}`,
        caveat: 'k6 counts sent requests only; faultline also counts dropped ones as errors',
      };
    case 'success_rate':
      // success > x  ⇔  failed < 1 − x
      return {
        metric: 'http_req_failed',
        expression: `rate${flipped[op]}${tidy(1 - threshold)}`,
        caveat: 'k6 counts sent requests only; faultline also counts dropped ones as failures',
      };
    case 'throughput':
      return {
        metric: 'http_reqs',
        expression: `rate${op}${tidy(threshold)}`,
        caveat: 'k6 counts every request over the whole test time; faultline counts successes over the load time',
      };
    case 'dropped':
      return { metric: 'dropped_iterations', expression: `count${op}${tidy(threshold)}` };
    default:
      return undefined;
  }
}

function skipReason(slo: SloSpec): string {
  if (slo.metric.kind === 'time_to_recover') return "needs faultline's per-second timeline";
  if (isAsyncMetric(slo.metric.kind)) return "an asynchronous outcome, from faultline's observer on the broker";
  return "a service-side metric, from the services' /metrics";
}

/**
 * Splits a scenario's SLOs into k6 thresholds and the ones only faultline can check: k6
 * thresholds aggregate over the whole test, so an SLO on any other window stays with faultline,
 * as do `time_to_recover` and every service-side metric (they need faultline's timeline and
 * the services' /metrics).
 */
export function translateSlos(slos: readonly SloSpec[]): ThresholdTranslation {
  const result: ThresholdTranslation = { thresholds: [], skipped: [] };
  for (const slo of slos) {
    const translated = translate(slo);
    if (!translated)
      result.skipped.push({
        slo,
        reason: skipReason(slo),
      });
    else if (slo.window !== 'whole') result.skipped.push({ slo, reason: 'k6 thresholds cover the whole test, not one window' });
    else result.thresholds.push({ ...translated, slo });
  }
  return result;
}
