import type { LoadStage } from '../scenario/model.ts';

/** Absorbs the rounding of the per-stage sums so that e.g. 100/s for 1 s is exactly 100 arrivals. */
const COUNT_TOLERANCE = 1e-6;

/**
 * The open-model arrival times of a load: consecutive stages, each ramping linearly from
 * `fromRate` to `toRate` requests/s (constant when equal). Arrival n (0-based) happens where
 * the integral of the rate since t = 0 reaches n, so the first one is at 0 ms and a constant
 * 100/s puts arrival n at n × 10 ms.
 *
 * Each time is solved in closed form inside its stage from the exact stage-start count, so long
 * runs do not drift the way adding up intervals would.
 */
export class ArrivalSchedule {
  /** Total length of the schedule (ms): the sum of the stage durations. */
  readonly durationMs: number;
  /** Number of arrivals in [0, durationMs). */
  readonly count: number;
  readonly #stages: readonly LoadStage[];
  /** Arrivals (as a real number) accumulated at the start of each stage, plus the total. */
  readonly #cumulative: number[];
  readonly #startMs: number[];

  constructor(stages: readonly LoadStage[]) {
    this.#stages = stages;
    this.#cumulative = [0];
    this.#startMs = [0];
    for (const stage of stages) {
      const arrivals = (((stage.fromRate + stage.toRate) / 2) * stage.durationMs) / 1000;
      this.#cumulative.push(this.#cumulative.at(-1)! + arrivals);
      this.#startMs.push(this.#startMs.at(-1)! + stage.durationMs);
    }
    this.durationMs = this.#startMs.at(-1)!;
    this.count = Math.max(0, Math.ceil(this.#cumulative.at(-1)! - COUNT_TOLERANCE));
  }

  /** Time (ms since t = 0) of arrival `n`, 0 ≤ n < count. */
  timeOfMs(n: number): number {
    const k = this.#stageOfArrival(n);
    const stage = this.#stages[k]!;
    const needed = Math.max(0, n - this.#cumulative[k]!) * 1000; // arrivals × ms/s
    if (needed === 0) return this.#startMs[k]!;
    const startRate = stage.fromRate;
    const slope = (stage.toRate - stage.fromRate) / stage.durationMs; // (req/s) per ms
    // Solves startRate·τ + slope·τ²/2 = needed for τ; this form stays accurate for any slope sign.
    const root = Math.sqrt(Math.max(0, startRate * startRate + 2 * slope * needed));
    const offsetMs = (2 * needed) / (startRate + root);
    return this.#startMs[k]! + Math.min(offsetMs, stage.durationMs);
  }

  /** Arrivals scheduled before `timeMs` (so `countBefore(b) - countBefore(a)` is the number in [a, b)). */
  countBefore(timeMs: number): number {
    if (timeMs <= 0) return 0;
    if (timeMs >= this.durationMs) return this.count;
    let k = 0;
    while (this.#startMs[k + 1]! <= timeMs) k++;
    const stage = this.#stages[k]!;
    const tau = timeMs - this.#startMs[k]!;
    const slope = (stage.toRate - stage.fromRate) / stage.durationMs;
    const integral = this.#cumulative[k]! + (stage.fromRate * tau + (slope * tau * tau) / 2) / 1000;
    return Math.min(this.count, Math.max(0, Math.ceil(integral - COUNT_TOLERANCE)));
  }

  /** Index of the stage in which the integral reaches `n`: the last one starting at or before it, which
   * skips stages that add no arrivals (zero rate or zero length). */
  #stageOfArrival(n: number): number {
    let low = 0;
    let high = this.#stages.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#cumulative[mid]! - COUNT_TOLERANCE <= n) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}
