import { measured, scopeOf, unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { counterDelta } from '../scrape-index.ts';

/** Δ Σ dependency_attempts_total / Δ Σ dependency_calls_total: attempts per logical call
 * (1 = no retries). */
export const retryAmplification: MetricEvaluator<'retry_amplification'> = {
  unit: 'ratio',
  display: 'times',
  label: (metric) => `retry amplification${scopeOf(metric)}`,
  measure(metric, { scrapes, window }) {
    const filter = { service: metric.service, dependency: metric.dependency };
    const calls = counterDelta(scrapes.series('dependency_calls_total', filter), window.startMs, window.endMs);
    if (calls <= 0) return unmeasured(`no dependency call was counted in window ${window.name}`);
    const attempts = counterDelta(scrapes.series('dependency_attempts_total', filter), window.startMs, window.endMs);
    return measured(attempts / calls);
  },
};
