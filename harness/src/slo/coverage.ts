import type { Recording } from '../model/recording.ts';
import type { WindowCoverage } from '../model/result.ts';
import type { NamedWindow } from './traffic.ts';

/**
 * How far into the load a run got (ms since t = 0): the whole schedule unless a signal stopped
 * it during start-up or warm-up (0: nothing of the load ran) or during the load (where it was).
 * Interrupted in teardown, the load had run to its end. A recording without `interruption` is
 * taken as complete: nothing says otherwise.
 */
export function loadReachedMs(recording: Recording): number {
  const stop = recording.interruption;
  if (!stop) return recording.durationMs;
  if (stop.phase === 'start-up' || stop.phase === 'warm-up') return 0;
  if (stop.phase === 'load') return Math.min(recording.durationMs, Math.max(0, stop.atMs ?? recording.durationMs));
  return recording.durationMs;
}

/** `undefined` for a window the run covered to its end, else partial or not reached. */
export function coverageOf(window: NamedWindow, reachedMs: number): WindowCoverage | undefined {
  if (reachedMs >= window.endMs) return undefined;
  return reachedMs > window.startMs ? 'partial' : 'not-reached';
}

/** The part of a window the run covered: it ends at `reachedMs` at the latest (empty when the
 * window was not reached), so rates are per second of what actually ran. */
export function coveredPart(window: NamedWindow, reachedMs: number): NamedWindow {
  return { ...window, endMs: Math.max(window.startMs, Math.min(window.endMs, reachedMs)) };
}

/** `during start-up`, `during load at 33.0 s of 52.0 s`, …: where a run was interrupted. */
export function describeInterruption(stop: { phase: string; atMs?: number }, durationMs: number): string {
  if (stop.phase === 'load' && stop.atMs !== undefined) return `during load at ${seconds(stop.atMs)} of ${seconds(durationMs)}`;
  return `during ${stop.phase}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
