import { attemptOutcomes, type AttemptOutcome, type CallOutcome, type ServiceMetrics } from '../metrics.ts';

/** How one logical call ended: why (outcome), whether a fallback answered, and how long it took. */
export interface CallEnding {
  outcome: CallOutcome;
  fallback: boolean;
  seconds: number;
}

/**
 * The network attempts of one logical call, tallied while it runs and counted with the call
 * when it ends.
 *
 * Why at the end, all at once: retry amplification is Δattempts / Δcalls between two scrapes.
 * Counting a call when it starts and its attempts when they finish lets a scrape see calls whose
 * attempts are still running (a hung dependency reads below 1× with no retry at all); counting
 * both in one synchronous step means every scrape sees each call with all of its attempts or
 * not at all. A call that ended before any network attempt (breaker open, bulkhead full,
 * deadline spent) is not a call with 0 attempts: it goes to `dependency_calls_unsent_total`, so
 * it cannot pull amplification below 1.
 */
export class CallRecord {
  private readonly attempts: Record<AttemptOutcome, number> = { success: 0, error: 0, timeout: 0 };

  /** One network attempt ended with `outcome`. */
  attempted(outcome: AttemptOutcome): void {
    this.attempts[outcome]++;
  }

  get attemptCount(): number {
    return attemptOutcomes.reduce((sum, outcome) => sum + this.attempts[outcome], 0);
  }

  /** Counts the call, its attempts (or that it was never sent) and its duration. Call once. */
  end(metrics: ServiceMetrics, dependency: string, ending: CallEnding): void {
    if (this.attemptCount > 0) {
      metrics.dependencyCalls.inc({ dependency });
      for (const outcome of attemptOutcomes) if (this.attempts[outcome] > 0) metrics.dependencyAttempts.inc({ dependency, outcome }, this.attempts[outcome]);
    } else if (ending.outcome !== 'success') {
      // (A success always had an attempt: only the dependency's answer is a success.)
      metrics.dependencyUnsent.inc({ dependency, outcome: ending.outcome });
    }
    metrics.dependencyDuration.observe({ dependency, outcome: ending.outcome, fallback: String(ending.fallback) }, ending.seconds);
  }
}
