import { measured, scopeOf, unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { retryAmplification as amplification } from '../amplification.ts';
import { counterDelta } from '../scrape-index.ts';

/** Δ Σ dependency_attempts_total / Δ Σ dependency_calls_total: network attempts per call that
 * reached the network (1 = no retries); the definition is amplification.ts's. */
export const retryAmplification: MetricEvaluator<'retry_amplification'> = {
  unit: 'ratio',
  display: 'times',
  label: (metric) => `retry amplification${scopeOf(metric)}`,
  measure(metric, { scrapes, window }) {
    const filter = { service: metric.service, dependency: metric.dependency };
    const calls = counterDelta(scrapes.series('dependency_calls_total', filter), window.startMs, window.endMs);
    const attempts = counterDelta(scrapes.series('dependency_attempts_total', filter), window.startMs, window.endMs);
    const value = amplification(attempts, calls);
    return value === null ? unmeasured(`no dependency call that reached the network ended in window ${window.name}`) : measured(value);
  },
};
