import type { LoadSpec } from '../scenario/model.ts';

/** A k6 scenario object for one of the two arrival-rate executors (plain data, JSON-ready). */
export type K6Scenario = ConstantArrivalRate | RampingArrivalRate;

interface ArrivalRateBase {
  /** k6 duration string: `timeUnit`, `duration`, stage durations. */
  timeUnit: string;
  preAllocatedVUs: number;
  maxVUs: number;
  /** Time k6 waits for iterations still running when the load ends (our drain). */
  gracefulStop: string;
}

export interface ConstantArrivalRate extends ArrivalRateBase {
  executor: 'constant-arrival-rate';
  rate: number;
  duration: string;
}

export interface RampingArrivalRate extends ArrivalRateBase {
  executor: 'ramping-arrival-rate';
  startRate: number;
  stages: { target: number; duration: string }[];
}

/** `52s` for whole seconds, `11250ms` otherwise: both are k6 duration strings. */
export function k6Duration(ms: number): string {
  const rounded = Math.round(ms);
  return rounded % 1000 === 0 ? `${rounded / 1000}s` : `${rounded}ms`;
}

const isWhole = (n: number) => Math.abs(n - Math.round(n)) < 1e-9;

/**
 * k6 arrival rates are integers per `timeUnit`. Rates per second that are whole stay per `1s`;
 * fractional ones (2.5/s) are counted per 10 s, 100 s or 1000 s instead, so no rate is rounded.
 */
function rateUnit(rates: readonly number[]): { perSeconds: number; scale: (ratePerSecond: number) => number } {
  for (const perSeconds of [1, 10, 100, 1000]) {
    if (rates.every((rate) => isWhole(rate * perSeconds))) return { perSeconds, scale: (rate) => Math.round(rate * perSeconds) };
  }
  return { perSeconds: 1000, scale: (rate) => Math.round(rate * 1000) };
}

/**
 * VUs for an open-model load. `maxVUs` = maxInFlight: a k6 VU runs one request at a time, so when
 * every VU is busy k6 skips the iteration and counts it in `dropped_iterations` — the same rule
 * as faultline's in-flight cap. `preAllocatedVUs` = the most that can be in flight at the peak
 * rate if every request ran into the client timeout, capped by maxVUs (k6 allocates the rest
 * mid-test, which costs time exactly when the system is slow).
 */
function virtualUsers(load: LoadSpec): { preAllocatedVUs: number; maxVUs: number } {
  const peakRate = Math.max(0, ...load.stages.flatMap((stage) => [stage.fromRate, stage.toRate]));
  const worstInFlight = Math.ceil((peakRate * load.timeoutMs) / 1000);
  return { preAllocatedVUs: Math.max(1, Math.min(load.maxInFlight, worstInFlight)), maxVUs: load.maxInFlight };
}

/**
 * The k6 scenario for a (plan's, already time-scaled) load: `constant-arrival-rate` for a single
 * constant stage, `ramping-arrival-rate` otherwise. A stage that starts somewhere other than where
 * the previous one ended becomes a 0 s jump stage, since k6 stages ramp from the previous target.
 */
export function k6ScenarioFor(load: LoadSpec): K6Scenario {
  const unit = rateUnit(load.stages.flatMap((stage) => [stage.fromRate, stage.toRate]));
  const base: ArrivalRateBase = {
    timeUnit: `${unit.perSeconds}s`,
    ...virtualUsers(load),
    gracefulStop: k6Duration(load.timeoutMs + 1000),
  };
  const only = load.stages.length === 1 ? load.stages[0] : undefined;
  if (only && only.fromRate === only.toRate) {
    return { executor: 'constant-arrival-rate', rate: unit.scale(only.fromRate), duration: k6Duration(only.durationMs), ...base };
  }
  const startRate = unit.scale(load.stages[0]?.fromRate ?? 0);
  const stages: RampingArrivalRate['stages'] = [];
  let current = startRate;
  for (const stage of load.stages) {
    const from = unit.scale(stage.fromRate);
    if (from !== current) stages.push({ target: from, duration: '0s' });
    const to = unit.scale(stage.toRate);
    stages.push({ target: to, duration: k6Duration(stage.durationMs) });
    current = to;
  }
  return { executor: 'ramping-arrival-rate', startRate, stages, ...base };
}
