// Is a sampled series flat? A least-squares slope over the tail of a soak, held against a bound
// per metric. Pure: the soak bench samples, this judges.

/** One reading of one metric at a time since the soak started. */
export interface Point {
  atMs: number;
  value: number;
}

/** What a metric may do over the judged window: rise at most `maxSlopePerMin` (its unit per minute). */
export interface FlatnessBound {
  metric: string;
  unit: string;
  maxSlopePerMin: number;
}

export interface FlatnessVerdict {
  metric: string;
  unit: string;
  /** First and last reading of the judged window (NaN when it holds none). */
  start: number;
  end: number;
  /** Least-squares slope over the window, unit per minute (NaN with fewer than 2 readings). */
  slopePerMin: number;
  maxSlopePerMin: number;
  /** Readings in the window. */
  points: number;
  flat: boolean;
}

/**
 * Least-squares slope of `points`, value per minute. NaN with fewer than two distinct times:
 * a line through one instant has no slope.
 */
export function slopePerMinute(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanT = points.reduce((s, p) => s + p.atMs, 0) / n;
  const meanV = points.reduce((s, p) => s + p.value, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    covariance += (p.atMs - meanT) * (p.value - meanV);
    variance += (p.atMs - meanT) ** 2;
  }
  if (variance === 0) return Number.NaN;
  return (covariance / variance) * 60_000;
}

/** The readings of the last `windowMs` of the series (by the time of its last reading). */
export function lastWindow(points: readonly Point[], windowMs: number): Point[] {
  if (points.length === 0) return [];
  const from = points[points.length - 1]!.atMs - windowMs;
  return points.filter((p) => p.atMs >= from);
}

/**
 * Judges one series: flat when its slope over the last `windowMs` is at most the bound. Only a
 * rise counts against it (memory given back is not a leak); a window with too few readings
 * (< 3: two points fit any line exactly) is not flat, since nothing was shown.
 */
export function judgeFlatness(points: readonly Point[], windowMs: number, bound: FlatnessBound): FlatnessVerdict {
  const window = lastWindow(points, windowMs);
  const slope = slopePerMinute(window);
  return {
    metric: bound.metric,
    unit: bound.unit,
    start: window[0]?.value ?? Number.NaN,
    end: window[window.length - 1]?.value ?? Number.NaN,
    slopePerMin: slope,
    maxSlopePerMin: bound.maxSlopePerMin,
    points: window.length,
    flat: window.length >= 3 && slope <= bound.maxSlopePerMin,
  };
}

/**
 * The window judged for a soak of `minutes`: the last 20 minutes of a 30-minute (or longer) soak
 * (the first 10 are warm-up: JIT, pools and caches filling), scaled as the same two thirds for a
 * shorter one; `windowMinutes` when given.
 */
export function judgedWindowMs(minutes: number, windowMinutes?: number): number {
  return (windowMinutes ?? (minutes >= 30 ? 20 : (minutes * 2) / 3)) * 60_000;
}
