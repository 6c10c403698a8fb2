import { CircuitState, type CircuitBreakerPolicy } from 'cockatiel';
import type { BreakerEventLog } from '../breaker-events.ts';
import { breakerStates, type BreakerStateName, type ServiceMetrics } from '../metrics.ts';

const stateNames: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Time spent in each breaker state, read at any moment. A state's total includes the time the
 * breaker has been in it so far, so a counter read from it at scrape time is exact then.
 */
export class BreakerStateTimer {
  private readonly totalsMs = new Map<BreakerStateName, number>(breakerStates.map((state) => [state, 0]));
  private state: BreakerStateName = 'closed';
  private sinceMs: number;

  constructor(private readonly nowMs: () => number = () => performance.now()) {
    this.sinceMs = nowMs();
  }

  get current(): BreakerStateName {
    return this.state;
  }

  enter(state: BreakerStateName): void {
    const now = this.nowMs();
    this.totalsMs.set(this.state, this.totalsMs.get(this.state)! + (now - this.sinceMs));
    this.state = state;
    this.sinceMs = now;
  }

  /** Seconds spent in `state` up to now. */
  secondsIn(state: BreakerStateName): number {
    const ongoing = state === this.state ? this.nowMs() - this.sinceMs : 0;
    return (this.totalsMs.get(state)! + ongoing) / 1000;
  }
}

/**
 * Feeds one breaker's transitions to everything that reports them: the state gauge, the
 * transitions counter (by from and to), the time-in-state counter (brought up to date at each
 * scrape) and the service's event log (each transition with its exact time). Nothing here logs.
 */
export function watchBreaker(
  breaker: CircuitBreakerPolicy,
  dependency: string,
  metrics: ServiceMetrics,
  events: BreakerEventLog | undefined,
  timer: BreakerStateTimer = new BreakerStateTimer(),
): void {
  const reported = new Map<BreakerStateName, number>(breakerStates.map((state) => [state, 0]));
  metrics.beforeScrape.push(() => {
    for (const state of breakerStates) {
      // A counter only goes up: add what accrued since the last scrape.
      const total = timer.secondsIn(state);
      const delta = total - reported.get(state)!;
      if (delta > 0) metrics.breakerStateSeconds.inc({ dependency, state }, delta);
      reported.set(state, Math.max(total, reported.get(state)!));
    }
  });
  breaker.onStateChange((next) => {
    const from = timer.current;
    const to = stateNames[next];
    if (from === to) return;
    timer.enter(to);
    metrics.breakerState.set({ dependency }, next);
    metrics.breakerTransitions.inc({ dependency, from, to });
    events?.record(dependency, from, to);
  });
}
