import { measured, type EvaluationContext, type Measurement } from '../evaluator.ts';
import { counterDelta, type SeriesFilter } from '../scrape-index.ts';

/**
 * Shared by the counter metrics: Σ increase of the matching series over the window (value at
 * the last scrape ≤ window end − value at the last scrape ≤ window start, restarts handled).
 * No matching series means nothing was counted: 0.
 */
export function counterIncrease(context: EvaluationContext, name: string, filter: SeriesFilter): Measurement {
  const series = context.scrapes.series(name, filter);
  return measured(counterDelta(series, context.window.startMs, context.window.endMs));
}
